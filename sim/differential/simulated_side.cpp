#include "sim/differential/simulated_side.hpp"

#include "sim/replay/replayer.hpp"

namespace clsim::differential {

namespace {

CampaignOutcome campaign_outcome(sim::Simulation& simulation, const std::string& id) {
  CampaignOutcome c;
  auto& reader = simulation.reader();
  const auto record = reader.campaign(id);
  if (!record) return c;
  c.state = record->state;
  c.owner = record->owner;
  c.tweets = int(simulation.twitter().tweets_containing("[" + id + "/").size());
  for (const auto& r : reader.rewards(id)) c.rewards.push_back({r.user, r.amount.minor, r.status});
  return c;
}

void read_rule_campaigns(sim::Simulation& simulation, const Workload& w, Outcomes& out) {
  auto& reader = simulation.reader();
  const auto all = reader.rule_campaigns();
  for (const auto& id : w.rule_campaigns) {
    RuleOutcome r;
    for (const auto& rec : all) {
      if (rec.id != id) continue;
      r.state = rec.state;
      r.owner = rec.owner;
      r.paid = rec.paid.minor;
      r.refunded = rec.refunded.minor;
    }
    // As the Lua API and serve's GET show them: a payment that gave up is unpaid.
    for (const auto& m : reader.rule_matches(id))
      r.matches.push_back(
          {m.event_id, m.user, m.reward.minor, m.status == "failed" ? std::string("unpaid") : m.status});
    out.rule_campaigns[id] = std::move(r);
  }
  for (const auto& d : reader.dead_letters()) out.dead_letters.push_back({d.event_id, d.reason, d.attempts, d.message});
}

}  // namespace

SimulatedRun simulate(const Workload& workload) {
  SimulatedRun run;
  sim::ReplayOptions options;
  options.seed = workload.seed;
  options.identity = workload.text;
  auto result = sim::replay_log(workload.log, options);
  run.exit_code = result.exit_code;
  run.error = result.error;
  if (!result.sim) return run;
  sim::Simulation& simulation = *result.sim;
  run.failure = sim::failure_signature(simulation);
  for (const auto& id : workload.campaigns) run.outcomes.campaigns[id] = campaign_outcome(simulation, id);
  read_rule_campaigns(simulation, workload, run.outcomes);
  for (const auto& [account, amount] : simulation.hedera().accounts().balances())
    run.outcomes.ledger[account] = amount.minor;
  for (const auto& r : result.refusals) run.outcomes.refused[r.line] = r.reason;
  run.outcomes.normalise();
  return run;
}

}  // namespace clsim::differential
