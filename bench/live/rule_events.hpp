// Rule events on loopback: one rule campaign (purchase, amount > 50 earns 10) on
// serve, then `events` POST /v1/events with `window` requests in flight, timed
// until the campaign's paid total covers every event (intake -> outbox -> relay
// -> Redis Streams -> consumer -> match -> payment on mockd's ledger, each step a
// SQLite commit). The BullMQ peer (bench/peer/) then does its equivalent on the
// same redis-server, so both figures come from one run on one machine.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/live/stats.hpp"
#include "sim/differential/child_process.hpp"

namespace clsim::live_bench {

struct RuleEventsResult {
  std::int64_t events = 0, accepted = 0, paid_events = 0;
  double intake_s = 0, paid_s = 0;
  double intake_per_s = 0, paid_per_s = 0;
  Summary intake_to_done;  // customer_events intake_us -> updated_us of 'done'
  nlohmann::json json() const;
};

RuleEventsResult run_rule_events(int serve_port, const std::string& token, const std::string& db_path,
                                 std::int64_t events, int window);

struct PeerResult {
  bool ran = false;
  std::string skipped;  // why not, when it did not run
  double per_s = 0, seconds = 0;
  std::int64_t events = 0, paid = 0;
  nlohmann::json json() const;
};

// Installs bench/peer's node_modules (npm ci) when node and npm exist and it is
// missing, then runs bullmq_peer.mjs against the redis-server at `redis_socket`.
PeerResult run_bullmq_peer(const differential::TempDir& dir, const std::string& peer_dir,
                           const std::string& redis_socket, std::int64_t events, int window);

}  // namespace clsim::live_bench
