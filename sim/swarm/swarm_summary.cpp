#include "sim/swarm/swarm_summary.hpp"

#include <stdexcept>

namespace clsim::sim {

using json = nlohmann::ordered_json;

std::string failure_name(const json& report) {
  if (report.contains("first_violation")) return report["first_violation"].value("invariant", "invariant");
  if (report.contains("fatal")) return "fatal";
  if (report.contains("checks")) return "check";
  return report.value("result", "fail");
}

std::string shrink_command_for(const SwarmFailure& f, std::uint64_t seed) {
  static const std::string kRun = "build/clsim run ";
  if (f.invariant == "timeout" || f.invariant == "error" || f.invariant == "internal_error" || f.repro.rfind(kRun, 0) != 0) return "";
  std::string rest = f.repro.substr(kRun.size());
  if (rest.rfind("--random", 0) != 0) rest = "--scenario " + rest;  // "S.lua --seed N ..."
  return "build/clsim shrink " + rest + " --out seed-" + std::to_string(seed) + ".lua";
}

void add_counts(json& into, const json& from) {
  if (!from.is_object()) return;
  for (auto it = from.begin(); it != from.end(); ++it) {
    const json& v = it.value();
    if (v.is_object()) {
      json& slot = into[it.key()];
      if (!slot.is_object()) slot = json::object();
      add_counts(slot, v);
    } else if (v.is_number_integer()) {
      json& slot = into[it.key()];
      slot = (slot.is_number_integer() ? slot.get<std::int64_t>() : 0) + v.get<std::int64_t>();
    }
  }
}

void SwarmSummary::add_run(const json& report) {
  const std::uint64_t seed = report.at("seed").get<std::uint64_t>();
  seeds_.insert(seed);
  const std::string result = report.value("result", "fail");
  ++results_[result];
  if (result != "pass") failures_[seed] = {failure_name(report), report.value("repro", "")};
  if (report.contains("coverage")) add_counts(coverage_, report["coverage"]);
  if (report.contains("faults")) {
    json& faults = coverage_["faults"];
    if (!faults.is_object()) faults = json::object();
    add_counts(faults, report["faults"]);
  }
}

void SwarmSummary::merge(const json& s) {
  if (!s.is_object() || s.value("clsim_swarm", 0) != 1 || !s.contains("seeds"))
    throw std::invalid_argument("not a clsim swarm summary");
  if (s.contains("scenario")) scenario_ = s["scenario"].get<std::string>();
  for (const auto& seed : s["seeds"]) seeds_.insert(seed.get<std::uint64_t>());
  for (const auto& f : s.value("failures", json::array()))
    failures_[f.at("seed").get<std::uint64_t>()] = {f.value("invariant", "fail"), f.value("repro", "")};
  if (s.contains("results"))
    for (auto it = s["results"].begin(); it != s["results"].end(); ++it) results_[it.key()] += it.value().get<std::int64_t>();
  if (s.contains("coverage")) add_counts(coverage_, s["coverage"]);
}

json SwarmSummary::to_json() const {
  json seeds = json::array();
  for (auto s : seeds_) seeds.push_back(s);
  json failures = json::array();
  for (const auto& [seed, f] : failures_) {
    json entry = {{"seed", seed}, {"invariant", f.invariant}, {"repro", f.repro}};
    if (const std::string shrink = shrink_command_for(f, seed); !shrink.empty()) entry["shrink"] = shrink;
    failures.push_back(entry);
  }
  json results = json::object();
  for (const auto& [k, v] : results_) results[k] = v;
  return {{"clsim_swarm", 1}, {"scenario", scenario_}, {"seeds_run", seeds_.size()}, {"seeds", seeds},
          {"results", results}, {"failures", failures}, {"coverage", coverage_}};
}

}  // namespace clsim::sim
