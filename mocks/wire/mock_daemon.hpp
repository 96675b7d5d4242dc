// `clsim mockd`'s daemon: the simulator's mock X API (TwitterService) and mock
// Hedera (HederaService) served on their wire protocols over HTTP (docs/LIVE.md),
// on real time, so the live service can run against them on one machine. It owns
// its io_context, the real-time clock, the fault and audience random streams and
// the fault counter; everything runs on the one thread that calls run().
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "mocks/hedera/hedera_config.hpp"
#include "mocks/twitter/twitter_config.hpp"

namespace clsim::mocks {

class TwitterService;
class HederaService;

// X as mockd serves it unless told otherwise: the simulator's X, with an audience
// of 100 users who engage with probability 0.3 within seconds (mean delay 2 s,
// nothing after 10 s), so a campaign of a few live seconds collects engagements.
TwitterConfig mockd_twitter_config();

struct MockdOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see MockDaemon::port)
  // Seeds the fault and audience streams ("twitter.faults", "twitter.audience",
  // "hedera"), each derived from the seed and its name as the simulator does.
  std::uint64_t seed = 1;
  TwitterConfig twitter = mockd_twitter_config();
  HederaConfig hedera;
};

class MockDaemon {
 public:
  // Builds the services and binds at once; throws boost::system::system_error
  // (naming the OS error) when the address cannot be bound.
  explicit MockDaemon(MockdOptions options);
  ~MockDaemon();
  MockDaemon(const MockDaemon&) = delete;
  MockDaemon& operator=(const MockDaemon&) = delete;

  std::uint16_t port() const;  // the bound port
  std::uint64_t seed() const;
  // The daemon's own io_context, e.g. for a signal_set or bounded run_for loops.
  boost::asio::io_context& io();

  // Serves until stop(). Pending answers are dropped when it returns.
  void run();
  // Stops accepting and makes run() return; callable from any thread.
  void stop();

  // Introspection; on the io thread, or while run() is not running.
  nlohmann::json state() const;  // the body of GET /mock/state
  const TwitterService& twitter() const;
  const HederaService& hedera() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace clsim::mocks
