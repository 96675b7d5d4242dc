// A swarm's summary (docs/CONTRACTS.md): seeds run, failures with their repro, and
// coverage summed over every run (transitions, crash points, sometimes marks,
// fault kinds hit). Built from run reports or merged from shard summaries; keyed
// by seed in ordered maps, so the output does not depend on completion order.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::sim {

struct SwarmFailure {
  std::string invariant;
  std::string repro;
};

// What a failed report names: the first violated invariant, else "fatal", "check"
// or its result ("timeout", "error", ...).
std::string failure_name(const nlohmann::ordered_json& report);
// The clsim shrink command for a failure's repro ("" when the failure is not one
// a run can reproduce, e.g. a wall-clock timeout).
std::string shrink_command_for(const SwarmFailure& failure, std::uint64_t seed);
// Adds the numbers of `from` into `into`, recursing through objects.
void add_counts(nlohmann::ordered_json& into, const nlohmann::ordered_json& from);

class SwarmSummary {
 public:
  explicit SwarmSummary(std::string scenario = "random") : scenario_(std::move(scenario)) {}
  // One run's report (a runs.jsonl line).
  void add_run(const nlohmann::ordered_json& report);
  // Another summary.json (a shard's); throws std::invalid_argument when it is not one.
  void merge(const nlohmann::ordered_json& summary);

  bool failed() const { return !failures_.empty(); }
  const std::map<std::uint64_t, SwarmFailure>& failures() const { return failures_; }
  const std::set<std::uint64_t>& seeds() const { return seeds_; }
  // Summed over every run: transitions, crash points, sometimes marks, matrix, faults.
  const nlohmann::ordered_json& coverage() const { return coverage_; }
  nlohmann::ordered_json to_json() const;

 private:
  std::string scenario_;
  std::set<std::uint64_t> seeds_;
  std::map<std::uint64_t, SwarmFailure> failures_;
  std::map<std::string, std::int64_t> results_;
  nlohmann::ordered_json coverage_ = nlohmann::ordered_json::object();
};

}  // namespace clsim::sim
