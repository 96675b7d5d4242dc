// Replays an event log (docs/CONTRACTS.md "Replay"): commands and outside observations
// are fed to a fresh simulated world at their logged times (audience and random
// faults off), recorded outcomes are compared with the engine's own, the world
// runs until quiet, invariants and an optional --check file decide the result.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "sim/replay/divergences.hpp"
#include "sim/replay/event_log.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {

struct ReplayOptions {
  std::optional<std::uint64_t> seed;          // --seed wins over the log's world line
  Duration match_window = Duration(60'000'000);  // --match-window
  std::string check_path;                     // --check CHECK.lua ("" none)
  std::string identity;                       // the log's text: seeds the trace hash
  engine::Mutations mutations;                // harness self-tests only
  Trace::Sink trace_sink;
  std::optional<std::uint64_t> max_events;
};

// Of a fault table (a world line's, a captured change's), the part a replay applies.
nlohmann::ordered_json replay_faults(const nlohmann::ordered_json& faults);
// Whether a fault that fired (its report key) is captured as a fault line, which a
// replay schedules; the others (X's and Hedera's failed answers) are failure lines.
bool replayed_as_fault_line(const std::string& fault);

// A command the engine refused, or an observation that could not apply.
struct Refusal {
  int line = 0;
  std::string type, reason;
};

struct ReplayResult {
  int exit_code = 3;    // 0 held, 1 a check or invariant failed, 2 bad input (a bad --check)
  std::string error;    // for exit 2
  std::uint64_t seed = 1;
  std::int64_t shift_us = 0;  // world time minus log time
  std::int64_t lines_fed = 0;
  std::unique_ptr<Simulation> sim;
  std::vector<Divergence> divergences;
  std::vector<Refusal> refusals;
};

ReplayResult replay_log(const EventLog& log, const ReplayOptions& options);

// The one-line description of how a replay failed ("" when it did not): the first
// violated invariant, else the first failed check's message, else the fatal reason.
// minimize keeps lines while this stays the same.
std::string failure_signature(Simulation& sim);

}  // namespace clsim::sim
