// The engine's timing options as JSON, one vocabulary for both directions: a live
// service writes them into its capture's world line (`world.engine`), and a
// replay or a scenario's world{engine = {...}} sets them on the simulated engines,
// so a capture replays with the poll interval and durations it ran with.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"

namespace clsim::engine {

// {"poll_interval_us", "heartbeat_interval_us", "resume_after_us", "timer_lease_us",
//  "payment_lease_us", "tweet_lease_us", "claim_stale_us", "claim_stale_at_start_us", "tx_valid_us",
//  "rule_end_grace_us", "expiry_recheck_us"}: every one, in microseconds.
nlohmann::ordered_json timing_json(const EngineOptions& options);
// Sets the keys present in `table` (any subset of timing_json's). Returns "" or an
// error naming the key that is unknown or not an integer in range; on an error
// nothing is changed.
std::string apply_timing(EngineOptions& options, const nlohmann::json& table);
// The keys, for readers that check a table before applying it (a Lua world{}).
const std::vector<std::string>& timing_keys();

}  // namespace clsim::engine
