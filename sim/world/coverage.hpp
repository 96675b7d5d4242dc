// What a run reached: lifecycle transitions, crash points (reached and fired),
// "sometimes" marks and the transition x fault x crash-point matrix. Ordered maps,
// so reports and merges list cells stably.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::sim {

class Coverage {
 public:
  void transition(const std::string& from, const std::string& to) { ++transitions_[from + "->" + to]; }
  void crash_point_reached(const std::string& name) { ++crash_points_reached_[name]; }
  void crash_point_fired(const std::string& name) { ++crash_points_fired_[name]; }
  void sometimes(const std::string& name) { ++sometimes_[name]; }

  const std::map<std::string, std::int64_t>& transitions() const { return transitions_; }
  nlohmann::ordered_json to_json() const;

 private:
  std::map<std::string, std::int64_t> transitions_;
  std::map<std::string, std::int64_t> crash_points_reached_;
  std::map<std::string, std::int64_t> crash_points_fired_;
  std::map<std::string, std::int64_t> sometimes_;
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
