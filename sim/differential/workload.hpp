// A differential workload: an event log in the capture format (sim/replay/
// event_log.hpp) restricted to what both worlds can be given alike: a world line
// (seed, engine timing), the commands, and `twitter:engagement:v1:observed`
// lines. Everything else is refused as "FILE:LINE: what is wrong".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/replay/event_log.hpp"

namespace clsim::differential {

struct Workload {
  sim::EventLog log;
  std::string text;        // the file as read: the replay's identity
  std::uint64_t seed = 1;  // the world line's seed, else 1
  nlohmann::json timing = nlohmann::json::object();  // world.engine: {"poll_interval_us": ...}
  std::int64_t start_us = 0;  // the log's "start": its first line's time
  std::vector<std::string> campaigns;       // social campaigns, in create order
  std::vector<std::string> rule_campaigns;  // rule campaigns, in create order

  // Microseconds from the start to `line`.
  std::int64_t offset_us(const sim::LogLine& line) const { return line.ts_us - start_us; }
};

// Reads and checks the workload; throws sim::LogError ("FILE:LINE: ...") for a
// malformed log (the event log reader's messages) and for a line or world key the
// live side cannot be given. Creates must name their campaign (`campaign_id`), so
// both worlds use one id.
Workload read_workload(const std::string& path);

}  // namespace clsim::differential
