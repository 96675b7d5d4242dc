#include "bench/live/rule_events.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "bench/live/io_wait.hpp"
#include "sim/differential/endpoint.hpp"

namespace clsim::live_bench {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

constexpr auto kFundTimeout = 60s;
constexpr auto kPaidTimeout = 600s;
constexpr auto kPeerTimeout = 600s;
constexpr std::int64_t kReward = 10;

double since(Steady::time_point t0) { return std::chrono::duration<double>(Steady::now() - t0).count(); }

// Each finished event's intake -> done, from serve's database.
Summary intake_to_done(const std::string& db_path) {
  sqlite3* db = nullptr;
  std::vector<std::int64_t> us;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT updated_us - intake_us FROM customer_events WHERE status = 'done'", -1, &q,
                           nullptr) == SQLITE_OK) {
      while (sqlite3_step(q) == SQLITE_ROW) us.push_back(sqlite3_column_int64(q, 0));
    }
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return summarize(std::move(us));
}

bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');)
    if (!d.empty() && ::access((d + "/" + name).c_str(), X_OK) == 0) return true;
  return false;
}

}  // namespace

nlohmann::json RuleEventsResult::json() const {
  return {{"events", events},         {"accepted", accepted},         {"paid_events", paid_events},
          {"intake_s", intake_s},     {"paid_s", paid_s},             {"intake_per_s", intake_per_s},
          {"paid_per_s", paid_per_s}, {"intake_to_done", to_json(intake_to_done)}};
}

nlohmann::json PeerResult::json() const {
  if (!ran) return {{"ran", false}, {"skipped", skipped}};
  return {{"ran", true}, {"events", events}, {"seconds", seconds}, {"per_s", per_s}, {"paid", paid}};
}

RuleEventsResult run_rule_events(int serve_port, const std::string& token, const std::string& db_path,
                                 std::int64_t events, int window) {
  asio::io_context io;
  differential::Endpoint api(io, serve_port, token);
  const nlohmann::json spec{
      {"owner", "shop"},
      {"budget", events * kReward * 2},
      {"duration_us", 3'600'000'000LL},
      {"rules", {{{"event_type", "purchase"}, {"when", {{{"field", "amount"}, {"op", ">"}, {"value", 50}}}}, {"reward", kReward}}}}};
  const auto created = api.call_now("POST", "/v1/rule-campaigns", spec);
  if (created.status != 201) throw std::runtime_error("rule campaign refused: " + created.body);
  const std::string id = differential::body_json(created).value("id", "");
  const auto fund_until = Steady::now() + kFundTimeout;
  while (!api.get_json("/v1/rule-campaigns/" + id).value("funded", false)) {
    if (Steady::now() > fund_until) throw std::runtime_error("rule campaign " + id + " never funded");
    std::this_thread::sleep_for(100ms);
  }

  RuleEventsResult r;
  r.events = events;
  std::int64_t sent = 0, answered = 0;
  std::function<void()> pump = [&] {
    while (sent - answered < window && sent < events) {
      const auto i = sent++;
      const nlohmann::json ev{{"event_id", "e-" + std::to_string(i)},
                              {"type", "purchase"},
                              {"user_id", "user-" + std::to_string(i % 1000)},
                              {"data", {{"amount", 75}, {"currency", "EUR"}}}};
      api.call("POST", "/v1/events", ev, [&](const live::HttpResult& res) {
        ++answered;
        if (res.status == 202) ++r.accepted;
        pump();
      });
    }
  };
  const auto t0 = Steady::now();
  pump();
  const auto until = t0 + kPaidTimeout;
  run_until(io, [&] { return answered >= events; }, kPaidTimeout);
  r.intake_s = since(t0);
  // Paid: the campaign's total covers every event (polled; 20 ms adds at most that).
  std::int64_t paid = 0;
  while (paid < events * kReward && Steady::now() < until) {
    paid = api.get_json("/v1/rule-campaigns/" + id).value("paid", std::int64_t(0));
    if (paid < events * kReward) std::this_thread::sleep_for(20ms);
  }
  r.paid_s = since(t0);
  r.paid_events = paid / kReward;
  r.intake_per_s = double(r.accepted) / r.intake_s;
  r.paid_per_s = double(r.paid_events) / r.paid_s;
  r.intake_to_done = intake_to_done(db_path);
  return r;
}

PeerResult run_bullmq_peer(const differential::TempDir& dir, const std::string& peer_dir,
                           const std::string& redis_socket, std::int64_t events, int window) {
  PeerResult r;
  if (!on_path("node") || !on_path("npm")) {
    r.skipped = "node or npm not on PATH";
    return r;
  }
  if (!std::filesystem::exists(peer_dir + "/node_modules/bullmq")) {
    std::fprintf(stderr, "live bench: installing the BullMQ peer (npm ci in %s)\n", peer_dir.c_str());
    differential::ChildProcess npm({"sh", "-c", "cd \"$0\" && npm ci --no-audit --no-fund", peer_dir},
                                   dir.file("npm.log"));
    const auto status = npm.wait_exit(300s);
    if (!status || *status != 0) {
      npm.stop();
      r.skipped = "npm ci failed: " + npm.log_tail(5);
      return r;
    }
  }
  differential::ChildProcess node({"node", peer_dir + "/bullmq_peer.mjs", "--socket", redis_socket, "--events",
                                   std::to_string(events), "--window", std::to_string(window), "--concurrency",
                                   std::to_string(window)},
                                  dir.file("bullmq.log"));
  const auto status = node.wait_exit(kPeerTimeout);
  if (!status || *status != 0) {
    node.stop();
    r.skipped = "the BullMQ peer failed: " + node.log_tail(5);
    return r;
  }
  // Its last line is the JSON result (npm and BullMQ may warn before it).
  std::string last;
  std::stringstream lines(node.log());
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line.front() == '{') last = line;
  const auto j = nlohmann::json::parse(last, nullptr, false);
  if (!j.is_object()) {
    r.skipped = "the BullMQ peer printed no result: " + node.log_tail(5);
    return r;
  }
  r.ran = true;
  r.events = j.value("events", std::int64_t(0));
  r.seconds = j.value("seconds", 0.0);
  r.per_s = j.value("per_s", 0.0);
  r.paid = j.value("paid", std::int64_t(0));
  return r;
}

}  // namespace clsim::live_bench
