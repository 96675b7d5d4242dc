// What a run reached: lifecycle transitions, crash points (reached and fired),
// "sometimes" marks and the transition x fault x crash-point matrix. Ordered maps,
// so reports and merges list cells stably.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/fault_counter.hpp"

namespace clsim::sim {

class Coverage {
 public:
  // The faults a matrix cell counts are read from `faults` (the world's counter).
  void set_fault_source(const mocks::FaultCounter* faults) { faults_ = faults; }
  // Counts the transition, and one matrix cell per (fault kind, crash point)
  // injected or fired since the campaign's previous transition ("none" for
  // neither): which moments the faults actually hit.
  void transition(const std::string& campaign, const std::string& from, const std::string& to);
  void crash_point_reached(const std::string& name) { ++crash_points_reached_[name]; }
  void crash_point_fired(const std::string& name) {
    ++crash_points_fired_[name];
    fired_log_.push_back(name);
  }
  void sometimes(const std::string& name) { ++sometimes_[name]; }

  const std::map<std::string, std::int64_t>& transitions() const { return transitions_; }
  nlohmann::ordered_json to_json() const;

 private:
  std::map<std::string, std::int64_t> transitions_;
  std::map<std::string, std::int64_t> crash_points_reached_;
  std::map<std::string, std::int64_t> crash_points_fired_;
  std::map<std::string, std::int64_t> sometimes_;
  std::map<std::string, std::int64_t> matrix_;  // "FROM->TO x fault x crash_point"
  const mocks::FaultCounter* faults_ = nullptr;
  // Per campaign, where the fault counts and the fired crash points stood at its
  // previous transition.
  struct Mark {
    std::map<std::string, std::int64_t> faults;
    std::size_t fired = 0;
  };
  std::map<std::string, Mark> marks_;
  std::vector<std::string> fired_log_;
};

// Per-invariant counts of checks and violations, in catalogue order by name.
class InvariantStats {
 public:
  void checked(const std::string& name, std::int64_t n = 1) { stats_[name].checks += n; }
  void violated(const std::string& name) { ++stats_[name].violations; }
  nlohmann::ordered_json to_json() const;

 private:
  struct Stat {
    std::int64_t checks = 0;
    std::int64_t violations = 0;
  };
  std::map<std::string, Stat> stats_;
};

}  // namespace clsim::sim
