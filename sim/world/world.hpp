// One simulated world: the virtual-time scheduler, the trace, the seeded streams,
// the engines and mocks (as later parts wire them in), and what the run found
// (failed checks, invariant violations). Everything a run does goes through here,
// so two worlds in one process never share state.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/fault_schedule.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/runtime/scheduler.hpp"
#include "sim/runtime/trace.hpp"
#include "sim/world/coverage.hpp"
#include "engine/ports/capture.hpp"
#include "sim/world/crash_plan.hpp"

namespace clsim::sim {

struct WorldConfig {
  std::uint64_t seed = 1;
  TimePoint start = engine::from_us(engine::kDefaultStartUs);
  Duration max_time = Duration(30LL * 86400 * 1000000);  // 30 days
  std::uint64_t max_events = 50'000'000;
  nlohmann::ordered_json world = nlohmann::ordered_json::object();  // effective world{} table
  Trace::Sink trace_sink;  // every trace line, from the first (--trace)
  // Faults decided by this schedule instead of at random, from before the engines
  // start (clsim shrink); each `at` counts from `start`.
  std::optional<std::vector<mocks::ScheduledFault>> fault_schedule;
  bool record_faults = false;  // keep each fault that fires, as a schedule
  bool observe_failures = false;  // keep each failed outside call (clsim run --capture)
  // Every engine's capture sink (EngineOptions::capture): the commands as each engine
  // received them (clsim run --capture). Must outlive the world.
  engine::CaptureSink* engine_capture = nullptr;
};

struct CheckFailure {
  std::string file;
  int line = 0;
  std::string message;
};

struct Violation {
  std::string invariant;
  std::int64_t virtual_time_us = 0;
  std::string message;
  std::vector<std::string> trace_tail;
};

class World {
 public:
  // `identity` (script contents) seeds the trace hash with the seed.
  World(WorldConfig config, std::string_view identity);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const WorldConfig& config() const { return config_; }
  Scheduler& scheduler() { return scheduler_; }
  Trace& trace() { return trace_; }
  TimePoint now() const { return scheduler_.now(); }
  TimePoint deadline() const { return config_.start + config_.max_time; }
  // The named stream of this world's seed; created on first use.
  Prng& stream(const std::string& name);

  void run_for(Duration d);
  // Until no foreground work is pending, bounded by max_time. True when quiet.
  bool run_until_quiet();

  void add_check_failure(CheckFailure f) { check_failures_.push_back(std::move(f)); }
  const std::vector<CheckFailure>& check_failures() const { return check_failures_; }
  std::int64_t checks_run() const { return checks_run_; }
  void count_check() { ++checks_run_; }

  void add_violation(const std::string& invariant, const std::string& message);
  Coverage& coverage() { return coverage_; }
  // Called every kProgressEvery events (the command line prints a progress line).
  void set_progress(std::function<void(World&)> fn) { progress_ = std::move(fn); }
  static constexpr std::uint64_t kProgressEvery = 8192;
  // Faults injected so far, as the services count them (for the progress line).
  void set_fault_total(std::function<std::int64_t()> fn) { fault_total_ = std::move(fn); }
  std::int64_t fault_total() const { return fault_total_ ? fault_total_() : 0; }
  // Called after every processed event (incremental invariant checks).
  void set_after_event(std::function<void()> fn) { after_event_ = std::move(fn); }
  InvariantStats& invariant_stats() { return invariant_stats_; }
  CrashPlan& crash_plan() { return crash_plan_; }
  const std::vector<Violation>& violations() const { return violations_; }
  // A harness-level stop (livelock, event cap): the run fails with this reason.
  void set_fatal(std::string reason) { if (fatal_.empty()) fatal_ = std::move(reason); }
  const std::string& fatal() const { return fatal_; }

 private:
  void guard_event_budget();

  WorldConfig config_;
  Trace trace_;
  Scheduler scheduler_;
  std::map<std::string, Prng> streams_;
  std::vector<CheckFailure> check_failures_;
  std::int64_t checks_run_ = 0;
  std::vector<Violation> violations_;
  std::string fatal_;
  Coverage coverage_;
  InvariantStats invariant_stats_;
  CrashPlan crash_plan_;
  std::function<void(World&)> progress_;
  std::function<void()> after_event_;
  std::function<std::int64_t()> fault_total_;
};

}  // namespace clsim::sim
