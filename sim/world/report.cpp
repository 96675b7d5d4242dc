#include "sim/world/report.hpp"

#include <cmath>

#include "sim/world/report_timeline.hpp"

namespace clsim::sim {

const char* result_name(int exit_code) {
  switch (exit_code) {
    case 0: return "pass";
    case 1: return "fail";
    case 2: return "error";
    default: return "internal_error";
  }
}

nlohmann::ordered_json build_report(const RunInfo& info, Simulation& sim) {
  using json = nlohmann::ordered_json;
  World& world = sim.world();
  json r;
  r["clsim_report"] = 1;
  r["scenario"] = info.scenario;
  if (!info.scenario_name.empty()) r["name"] = info.scenario_name;
  r["seed"] = info.seed;
  r["result"] = result_name(info.exit_code);
  r["trace_hash"] = world.trace().hash_hex();
  r["start_time_us"] = engine::to_us(world.config().start);
  r["virtual_time_us"] = engine::to_us(world.now() - world.config().start);
  r["wall_time_s"] = std::round(info.wall_time_s * 1000.0) / 1000.0;
  r["events_processed"] = world.scheduler().events_processed();
  r["trace_lines"] = world.trace().lines();
  r["faults"] = sim.fault_counts();
  r["invariants"] = world.invariant_stats().to_json();
  r["coverage"] = world.coverage().to_json();
  {
    std::map<std::string, std::int64_t> by_state;
    const auto campaigns = sim.reader().campaigns();
    for (const auto& c : campaigns) ++by_state[c.state];
    // Rule campaigns (ACTIVE -> ENDED) count alongside social ones.
    const auto rule_campaigns = sim.reader().rule_campaigns();
    for (const auto& c : rule_campaigns) ++by_state[c.state];
    json states = json::object();
    for (const auto& [k, v] : by_state) states[k] = v;
    r["campaigns"] = {{"total", campaigns.size() + rule_campaigns.size()}, {"by_state", states}};
  }
  add_time_views(r, sim);
  r["checks_run"] = world.checks_run();
  if (!world.check_failures().empty()) {
    json checks = json::array();
    for (const auto& c : world.check_failures())
      checks.push_back({{"file", c.file}, {"line", c.line}, {"message", c.message}});
    r["checks"] = checks;
  }
  if (!world.violations().empty()) {
    const auto& v = world.violations().front();
    r["first_violation"] = {{"invariant", v.invariant},
                            {"virtual_time_us", v.virtual_time_us},
                            {"message", v.message},
                            {"trace_tail", v.trace_tail}};
  }
  if (!world.fatal().empty()) r["fatal"] = world.fatal();
  r["repro"] = info.repro;
  r["clsim_version"] = CLSIM_VERSION;
  r["build_type"] = CLSIM_BUILD_TYPE;
  r["script_sha256"] = info.script_sha256;
  r["world"] = world.config().world;
  r["world"]["faults_at_end"] = sim.faults_in_force();
  r["mutations"] = json(sim.mutations().names());
  return r;
}

}  // namespace clsim::sim
