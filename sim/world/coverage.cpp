#include "sim/world/coverage.hpp"

#include <set>

namespace clsim::sim {

namespace {
nlohmann::ordered_json counts(const std::map<std::string, std::int64_t>& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}
}  // namespace

void Coverage::transition(const std::string& campaign, const std::string& from, const std::string& to) {
  const std::string move = from + "->" + to;
  ++transitions_[move];
  Mark& mark = marks_[campaign];
  std::set<std::string> faults, crashes;
  if (faults_)
    for (const auto& [kind, n] : faults_->all()) {
      auto it = mark.faults.find(kind);
      if (n > (it == mark.faults.end() ? 0 : it->second) && kind != "crash") faults.insert(kind);
    }
  for (std::size_t i = mark.fired; i < fired_log_.size(); ++i) crashes.insert(fired_log_[i]);
  if (faults.empty()) faults.insert("none");
  if (crashes.empty()) crashes.insert("none");
  for (const auto& f : faults)
    for (const auto& c : crashes) ++matrix_[move + " x " + f + " x " + c];
  if (faults_) mark.faults = faults_->all();
  mark.fired = fired_log_.size();
  if (to == "EXPIRED" || to == "FAILED") marks_.erase(campaign);  // nothing follows a final state
}

nlohmann::ordered_json Coverage::to_json() const {
  return {{"transitions", counts(transitions_)},
          {"crash_points", counts(crash_points_fired_)},
          {"crash_points_reached", counts(crash_points_reached_)},
          {"sometimes", counts(sometimes_)},
          {"matrix", counts(matrix_)}};
}

nlohmann::ordered_json InvariantStats::to_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [name, s] : stats_) out.push_back({{"name", name}, {"checks", s.checks}, {"violations", s.violations}});
  return out;
}

}  // namespace clsim::sim
