// What the mockd tests share: an in-process daemon with fast answers on its own
// thread, and requests as the engine's adapters send them.
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/ports/ledger.hpp"
#include "live/sync_http.hpp"
#include "mocks/wire/mock_daemon.hpp"

namespace clsim::mockd_test {

using live_test::http_call;
using live_test::http_get;
using live_test::http_post;
using live_test::SyncRequest;
using live_test::SyncResponse;

constexpr engine::Duration kMs = engine::Duration(1000);

// Fast answers, consensus in a fraction of a second, X search without its lag.
inline mocks::MockdOptions fast_options() {
  mocks::MockdOptions o;
  o.seed = 11;
  o.twitter.faults.latency_min = 1 * kMs;
  o.twitter.faults.latency_max = 5 * kMs;
  o.twitter.search_lag = engine::Duration(0);
  o.twitter.audience.enabled = false;
  o.hedera.faults.latency_min = 1 * kMs;
  o.hedera.faults.latency_max = 5 * kMs;
  o.hedera.faults.receipt_delay_min = 50 * kMs;
  o.hedera.faults.receipt_delay_max = 150 * kMs;
  o.hedera.faults.mirror_lag = 100 * kMs;  // short, and still behind consensus
  return o;
}

// A MockDaemon serving on its own thread until the end of the test.
class RunningDaemon {
 public:
  explicit RunningDaemon(mocks::MockdOptions options) : daemon_(std::move(options)), thread_([this] { daemon_.run(); }) {}
  ~RunningDaemon() {
    daemon_.stop();
    thread_.join();
  }
  int port() const { return daemon_.port(); }

 private:
  mocks::MockDaemon daemon_;
  std::thread thread_;
};

inline std::map<std::string, std::string> user(const std::string& account) {
  return {{"authorization", "Bearer user:" + account}};
}
inline const std::map<std::string, std::string> kApp = {{"authorization", "Bearer app-token-1"}};

inline SyncResponse get(int port, const std::string& target, std::map<std::string, std::string> headers = kApp) {
  return http_call("127.0.0.1", port, SyncRequest{"GET", target, {}, std::move(headers)});
}

inline SyncResponse post_tweet(int port, const std::string& account, const std::string& text) {
  return http_post(port, "/2/tweets", {{"text", text}}, user(account));
}

inline std::string now_transaction_id(const std::string& payer, std::int64_t offset_us = 0) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count() -
                  2'000'000 + offset_us;
  return engine::TransactionId{payer, engine::from_us(us)}.to_string();
}

inline nlohmann::json transfer(const std::string& id, const std::string& from, const std::string& to, std::int64_t amount,
                        const std::string& memo) {
  return {{"transaction_id", id}, {"valid_duration_us", 120'000'000}, {"op", "transfer"}, {"from", from},
          {"to", to},           {"amount", amount},                   {"memo", memo}};
}

}  // namespace clsim::mockd_test
