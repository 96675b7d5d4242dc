#include "sim/swarm/random_run.hpp"

#include <map>
#include <stdexcept>

#include "sim/world/invariant_checker.hpp"
#include "sim/world/report.hpp"
#include "sim/world/sha256.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;

engine::Rates rates_of(const json& r) {
  return {engine::Money(r.at("like").get<std::int64_t>()), engine::Money(r.at("retweet").get<std::int64_t>()),
          engine::Money(r.at("quote").get<std::int64_t>()), engine::Money(r.at("reply").get<std::int64_t>())};
}

engine::RuleCampaignSpec rule_spec_of(const json& a) {
  engine::RuleCampaignSpec spec;
  spec.owner = a.at("owner").get<std::string>();
  spec.budget = engine::Money(a.at("budget").get<std::int64_t>());
  spec.duration = Duration(a.at("duration_us").get<std::int64_t>());
  for (const auto& r : a.at("rules")) {
    engine::Rule rule;
    rule.event_type = r.at("event_type").get<std::string>();
    rule.reward = engine::Money(r.at("reward").get<std::int64_t>());
    for (const auto& c : r.at("when"))
      rule.when.push_back({c.at("field").get<std::string>(), c.at("op").get<std::string>(), nlohmann::json(c.at("value"))});
    spec.rules.push_back(std::move(rule));
  }
  return spec;
}

// Executes the plan's actions in time order and tallies what the engine said.
class Executor {
 public:
  Executor(Simulation& sim, json& outcomes) : sim_(sim), outcomes_(outcomes) {}

  void run(const json& action) {
    const std::string op = action.at("op").get<std::string>();
    if (op == "heal") return sim_.heal(), tally(op, true);
    if (op == "crash") {
      sim_.crash(action.at("engine").get<int>(), Duration(action.at("restart_after_us").get<std::int64_t>()));
      return tally(op, true);
    }
    if (op == "rule_campaign") return tally(op, sim_.create_rule_campaign(rule_spec_of(action)).ok);
    if (op == "customer_event") {
      engine::CustomerEvent e{action.at("id").get<std::string>(), action.at("type").get<std::string>(),
                              action.at("user").get<std::string>(), nlohmann::json(action.at("payload"))};
      return tally(op, sim_.customer_event(e).ok);
    }
    const int k = action.at("campaign").get<int>();
    if (op == "create") {
      engine::CampaignSpec spec;
      spec.owner = action.at("owner").get<std::string>();
      spec.budget = engine::Money(action.at("budget").get<std::int64_t>());
      spec.rates = rates_of(action.at("rates"));
      spec.duration = Duration(action.at("duration_us").get<std::int64_t>());
      spec.claim_window = Duration(action.at("claim_window_us").get<std::int64_t>());
      spec.text = action.at("text").get<std::string>();
      const auto r = sim_.create(spec);
      if (r.ok) ids_[k] = r.id;
      return tally(op, r.ok);
    }
    const auto it = ids_.find(k);
    if (it == ids_.end()) return tally(op + "_skipped", true);  // its create was refused
    const std::string& id = it->second;
    if (op == "publish") return tally(op, sim_.publish(id, action.at("by").get<std::string>()).ok);
    if (op == "update") {
      engine::CampaignUpdate change;
      if (action.contains("rates")) change.rates = rates_of(action["rates"]);
      if (action.contains("text")) change.text = action["text"].get<std::string>();
      return tally(op, sim_.update(id, change, action.at("by").get<std::string>()).ok);
    }
    if (op == "claim") return tally(op, sim_.claim(id, action.at("user").get<std::string>()).ok);
    if (op == "claim_rewards") {
      const auto every = action.at("every").get<std::size_t>();
      const auto rewards = sim_.reader().rewards(id);
      for (std::size_t i = 0; i < rewards.size(); ++i)
        if ((i + 1) % every == 0) tally("claim", sim_.claim(id, rewards[i].user).ok);
      return;
    }
    throw std::invalid_argument("random plan: unknown op '" + op + "'");
  }

 private:
  void tally(const std::string& op, bool ok) {
    json& o = outcomes_[op];
    if (!o.is_object()) o = {{"accepted", 0}, {"refused", 0}};
    o[ok ? "accepted" : "refused"] = o[ok ? "accepted" : "refused"].get<std::int64_t>() + 1;
  }

  Simulation& sim_;
  json& outcomes_;
  std::map<int, std::string> ids_;
};

}  // namespace

std::string RandomRunResult::first_failure() const {
  if (!sim || exit_code == 0) return "";
  World& w = sim->world();
  if (!w.violations().empty()) return w.violations().front().invariant;
  if (!w.fatal().empty()) return "fatal";
  if (!w.check_failures().empty()) return "check";
  return exit_code == 3 ? "internal_error" : "fail";
}

RandomRunResult run_random(const RandomRunOptions& options, const std::function<void(World&)>& on_world) {
  RandomRunResult result;
  result.plan = generate_random_plan(options.seed, options.bias);
  result.bias = options.bias;
  WorldConfig cfg;
  cfg.seed = options.seed;
  cfg.max_time = options.max_time;
  if (options.max_events) cfg.max_events = *options.max_events;
  cfg.world = result.plan["world"];
  cfg.world["faults"] = result.plan["faults"];
  cfg.trace_sink = options.trace_sink;
  cfg.record_faults = options.record_faults;
  cfg.observe_failures = options.observe_failures;
  cfg.engine_capture = options.engine_capture;
  try {
    result.sim = std::make_unique<Simulation>(std::move(cfg), "clsim random workload\n" + result.plan.dump(),
                                              options.mutations);
  } catch (const std::invalid_argument& e) {
    result.error = std::string("random plan: ") + e.what();  // a generator bug: harness error
    return result;
  }
  Simulation& sim = *result.sim;
  World& world = sim.world();
  if (on_world) on_world(world);
  for (const auto& p : result.plan["crash_points"])
    world.crash_plan().arm({p.at("point").get<std::string>(), p.at("engine").get<int>(), p.at("times").get<int>(),
                            Duration(p.at("restart_after_us").get<std::int64_t>())});
  Executor exec(sim, result.outcomes);
  const TimePoint start = world.config().start;
  for (const auto& action : result.plan["actions"]) {
    const TimePoint at = start + Duration(action.at("at_us").get<std::int64_t>());
    if (at > world.now()) world.run_for(at - world.now());
    if (!world.fatal().empty()) break;
    if (options.stop_at_first_violation && !world.violations().empty()) break;
    exec.run(action);
  }
  if (options.stop_at_first_violation) {
    while (world.fatal().empty() && world.violations().empty() && !world.scheduler().quiet() &&
           world.now() < world.deadline())
      world.run_for(Duration(3600LL * 1000000));
  }
  if (world.fatal().empty() && !(options.stop_at_first_violation && !world.violations().empty())) {
    const bool quiet = world.run_until_quiet();
    if (world.fatal().empty()) sim.invariants().final_check(quiet);
  }
  const bool failed = !world.check_failures().empty() || !world.violations().empty() || !world.fatal().empty();
  result.exit_code = failed ? 1 : 0;
  return result;
}

std::string random_repro(std::uint64_t seed, const engine::Mutations& m, const RandomBias& bias) {
  return "build/clsim run --random --seed " + std::to_string(seed) + bias_args(bias) + m.flags();
}

nlohmann::ordered_json random_report(RandomRunResult& result, double wall_time_s) {
  const std::uint64_t seed = result.plan.value("seed", std::uint64_t(1));
  RunInfo info{"random", "random workload", seed, result.exit_code, wall_time_s,
               sha256_hex(result.plan.dump()), random_repro(seed, result.sim->mutations(), result.bias)};
  auto report = build_report(info, *result.sim);
  report["random_plan"] = result.plan;
  report["random_outcomes"] = result.outcomes;
  return report;
}

}  // namespace clsim::sim
