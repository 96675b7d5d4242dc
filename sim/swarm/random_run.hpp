// Runs one random plan (sim/swarm/random_plan.hpp) against a Simulation: world
// and faults from the plan, crash points armed, actions at their virtual times,
// heal, then the world until quiet and the final invariant sweep, so liveness is
// judged after the faults stop. Used by `clsim run --random` and the swarm tests.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "sim/swarm/random_plan.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {

struct RandomRunOptions {
  std::uint64_t seed = 1;
  engine::Mutations mutations;
  RandomBias bias;
  std::optional<std::uint64_t> max_events;
  Trace::Sink trace_sink;
  // Tests: end the run at the first violation instead of running on to the end
  // (a broken engine may retry until max_time). The report is then partial.
  bool stop_at_first_violation = false;
  Duration max_time = Duration(10LL * 86400 * 1000000);  // the longest plan settles in under 4 days
  bool record_faults = false;  // keep the faults that fire as a schedule (clsim shrink)
  bool observe_failures = false;  // keep the failed outside calls (run --random --capture)
  engine::CaptureSink* engine_capture = nullptr;  // the engines' capture sink (run --random --capture)
};

struct RandomRunResult {
  int exit_code = 3;  // 0 pass, 1 an invariant or the harness stopped the run, 3 harness error
  std::string error;  // set for exit 3
  nlohmann::ordered_json plan;
  RandomBias bias;
  nlohmann::ordered_json outcomes = nlohmann::ordered_json::object();  // per op: accepted / refused
  std::unique_ptr<Simulation> sim;  // null only when the world could not be built
  // The first violated invariant, "fatal" for a harness stop, "" when the run passed.
  std::string first_failure() const;
};

// `on_world` runs once the world exists, before any event (e.g. a progress line).
RandomRunResult run_random(const RandomRunOptions& options, const std::function<void(World&)>& on_world = {});

// "build/clsim run --random --seed N [--mutate M]..."
std::string random_repro(std::uint64_t seed, const engine::Mutations& mutations, const RandomBias& bias = {});
// The run report (docs/CONTRACTS.md) with scenario "random", the plan as "random_plan"
// and the command outcomes as "random_outcomes".
nlohmann::ordered_json random_report(RandomRunResult& result, double wall_time_s);

}  // namespace clsim::sim
