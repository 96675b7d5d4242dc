// Recorded engine outcomes (a log's campaign:* lines) against the engine's own:
// each is matched by (campaign, canonical type, k-th occurrence) with the engine's
// outbox events, and every difference is a Divergence (missing, extra, count, time).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/replay/event_log.hpp"

namespace clsim::sim {

class Simulation;

// One event the engine emitted (its transactional outbox), in commit order.
struct EngineOutcome {
  std::string event_id, type, campaign_id, payload;
  std::int64_t at_us = 0;  // world time
};

std::vector<EngineOutcome> engine_outcomes(Simulation& sim);

struct Divergence {
  int line = 0;  // the recorded line; for "extra", the last recorded line of that campaign
  std::string type, kind, campaign_id;
  std::optional<std::int64_t> recorded_ts_us, actual_ts_us;  // log time
};

// Times closer than this are the same outcome (a replay is not production).
inline constexpr std::int64_t kTimeToleranceUs = 1'000'000;

// `shift_us` is world time minus log time. Extras are listed only for campaigns
// the log records outcomes of (a log of commands alone diverges nowhere).
std::vector<Divergence> find_divergences(const std::vector<LogLine>& lines, const std::vector<EngineOutcome>& actual,
                                         std::int64_t shift_us);

nlohmann::ordered_json to_json(const std::vector<Divergence>& ds);

}  // namespace clsim::sim
