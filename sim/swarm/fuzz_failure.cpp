#include "sim/swarm/fuzz_failure.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

#include "sim/lua/script_runner.hpp"
#include "sim/swarm/shrinker.hpp"

namespace clsim::sim {

namespace {

std::string file_name_for(std::uint64_t seed, const std::string& invariant) {
  std::string name;
  for (char c : invariant) name += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
  return "random_" + std::to_string(seed) + "_" + (name.empty() ? "failure" : name) + ".lua";
}

std::int64_t hits(const nlohmann::json& coverage, const std::string& section, const std::string& key) {
  if (!coverage.contains(section) || !coverage[section].is_object() || !coverage[section].contains(key)) return 0;
  const auto& v = coverage[section][key];
  return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

// A matrix cell says something only when a fault or a crash point is in it.
bool telling(const std::string& section, const std::string& key) {
  return section != "matrix" || key.find(" x none x none") == std::string::npos;
}

}  // namespace

std::string pick_kept_for(const nlohmann::json& coverage, const nlohmann::json& rarity) {
  static const char* kPreference[] = {"sometimes", "crash_points", "matrix", "faults"};
  std::vector<std::tuple<int, std::int64_t, std::string>> candidates;
  for (int rank = 0; rank < 4; ++rank) {
    const std::string section = kPreference[rank];
    if (!coverage.contains(section) || !coverage[section].is_object()) continue;
    for (auto it = coverage[section].begin(); it != coverage[section].end(); ++it)
      if (it.value().is_number() && it.value().get<double>() > 0 && telling(section, it.key()))
        candidates.emplace_back(rank, hits(rarity, section, it.key()), section + " " + it.key());
  }
  if (candidates.empty()) return "";
  std::sort(candidates.begin(), candidates.end());
  return std::get<2>(candidates.front());
}

FuzzFailureOutput shrink_fuzz_failure(const FuzzFailureInput& in) {
  FuzzFailureOutput out;
  out.file_name = file_name_for(in.seed, in.invariant);
  ShrinkOptions o;
  o.seed = in.seed, o.bias = in.bias, o.mutations = in.mutations, o.max_runs = in.max_runs;
  o.out_name = "tests/swarm/shrunk/" + out.file_name;  // its Run line holds once it is moved there
  const ShrinkResult r = shrink(o);
  if (r.exit_code != 0) {
    out.why_not = r.error;
    return out;
  }
  out.shrunk = true;
  out.summary = r.signature + ", " + std::to_string(r.before.scheduled) + " -> " + std::to_string(r.after.scheduled) +
                " scheduled faults, " + std::to_string(r.before.actions) + " -> " + std::to_string(r.after.actions) +
                " actions in " + std::to_string(r.runs) + " runs" + (r.gave_up ? " (run budget ended the search)" : "");
  // The scenario once more, as the regression test will run it, for its coverage.
  lua::ScriptOptions so;
  so.script_path = o.out_name, so.script_text = r.lua, so.mutations = in.mutations;
  auto run = lua::run_script(so);
  if (run.sim) {
    nlohmann::json coverage = nlohmann::json::parse(run.sim->world().coverage().to_json().dump());
    coverage["faults"] = nlohmann::json::parse(run.sim->fault_counts().dump());
    out.kept_for = pick_kept_for(coverage, in.rarity);
  }
  out.lua = (out.kept_for.empty() ? "-- kept for: (none found: name the cell this regression keeps)\n"
                                  : "-- kept for: " + out.kept_for + "\n") + r.lua;
  return out;
}

}  // namespace clsim::sim
