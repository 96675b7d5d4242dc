#include "sim/world/coverage.hpp"

namespace clsim::sim {

namespace {
nlohmann::ordered_json counts(const std::map<std::string, std::int64_t>& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}
}  // namespace

nlohmann::ordered_json Coverage::to_json() const {
  return {{"transitions", counts(transitions_)},
          {"crash_points", counts(crash_points_fired_)},
          {"crash_points_reached", counts(crash_points_reached_)},
          {"sometimes", counts(sometimes_)}};
}

nlohmann::ordered_json InvariantStats::to_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [name, s] : stats_) out.push_back({{"name", name}, {"checks", s.checks}, {"violations", s.violations}});
  return out;
}

}  // namespace clsim::sim
