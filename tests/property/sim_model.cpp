#include "property/sim_model.hpp"

#include <rapidcheck.h>

#include <map>
#include <sstream>

#include "sim/world/invariant_checker.hpp"

namespace clsim::property {

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) RC_FAIL(what);
}

std::int64_t starting_balance(const std::string& account) {
  for (const auto& o : owners())
    if (account == o.name) return o.balance;
  return kDefaultBalance;
}

}  // namespace

const CampaignModel* SimModel::find(const std::string& id) const {
  for (const auto& c : campaigns)
    if (c.id == id) return &c;
  return nullptr;
}

CampaignModel* SimModel::find(const std::string& id) {
  for (auto& c : campaigns)
    if (c.id == id) return &c;
  return nullptr;
}

const std::vector<Owner>& owners() {
  static const std::vector<Owner> kOwners = {{"alice", 50'000'000}, {"bob", 50'000'000}, {"carol", 1'500'000}};
  return kOwners;
}

std::vector<std::string> claimants() {
  std::vector<std::string> users;
  for (int i = 1; i <= kAudienceUsers; ++i) users.push_back("u-" + std::to_string(i));
  users.push_back("mallory");
  return users;
}

nlohmann::ordered_json world_table() {
  nlohmann::ordered_json w;
  w["engines"] = 2;
  // No random audience: every engagement is an Engage command the model knows of.
  w["audience"] = {{"users", 0}};
  nlohmann::ordered_json accounts = nlohmann::ordered_json::object();
  for (const auto& o : owners()) accounts[o.name] = o.balance;
  w["accounts"] = accounts;
  return w;
}

SimSut::SimSut(std::uint64_t seed_, engine::Mutations mutations_) : seed(seed_), mutations(mutations_) {
  sim::WorldConfig config;
  config.seed = seed;
  config.world = world_table();
  sim = std::make_unique<sim::Simulation>(std::move(config), "property/state_machine", mutations);
}

std::string lua_header(std::uint64_t seed, const engine::Mutations& m) {
  std::ostringstream os;
  std::string mutate;
  if (m.skip_inbox_dedup) mutate += " --mutate skip_inbox_dedup";
  if (m.skip_duplicate_tweet_check) mutate += " --mutate skip_duplicate_tweet_check";
  if (m.pay_without_idempotent_id) mutate += " --mutate pay_without_idempotent_id";
  os << "-- Equivalent clsim scenario: save as repro.lua, run: build/clsim run repro.lua" << mutate << "\n";
  os << "scenario { name = \"state machine counterexample\", seed = " << seed << " }\n";
  os << "world { engines = 2, audience = { users = 0 }, accounts = { ";
  for (const auto& o : owners()) os << o.name << " = " << o.balance << ", ";
  os << "} }\n";
  return os.str();
}

std::string violations_text(sim::World& world) {
  std::string out;
  for (const auto& v : world.violations()) out += v.invariant + ": " + v.message + "\n";
  if (!world.fatal().empty()) out += "fatal: " + world.fatal() + "\n";
  for (const auto& f : world.check_failures()) out += "check: " + f.message + "\n";
  return out;
}

void check_catalogue(SimSut& sut, const SimModel& model) {
  auto& world = sut.sim->world();
  require(world.violations().empty() && world.fatal().empty(), "invariant catalogue:\n" + violations_text(world));
  auto& hedera = sut.sim->hedera();
  require(hedera.accounts().sum_balances() == hedera.total_minted(),
          "ledger_supply: balances sum to " + std::to_string(hedera.accounts().sum_balances().minor) + " but " +
              std::to_string(hedera.total_minted().minor) + " was minted");
  auto& reader = sut.sim->reader();
  const auto stored = reader.campaigns();
  require(reader.last_error().empty(), "store unreadable: " + reader.last_error());
  require(stored.size() == model.campaigns.size(), "the store holds " + std::to_string(stored.size()) +
                                                       " campaigns, the model " +
                                                       std::to_string(model.campaigns.size()));
  for (const auto& c : stored) {
    const CampaignModel* m = model.find(c.id);
    require(m != nullptr, "the store holds " + c.id + " that was never created");
    require(c.owner == m->owner, c.id + " is owned by " + c.owner + ", created by " + m->owner);
    require(c.budget.minor == m->budget,
            c.id + " has budget " + std::to_string(c.budget.minor) + ", created with " + std::to_string(m->budget));
    require(c.text == m->text, c.id + " has text '" + c.text + "', expected '" + m->text + "'");
    require(c.rates.like == m->rates.like && c.rates.retweet == m->rates.retweet && c.rates.quote == m->rates.quote &&
                c.rates.reply == m->rates.reply,
            c.id + " has rates other than the last accepted update's");
    require(
        (c.state == "CREATED") == !m->publish_requested,
        c.id + " is " + c.state + (m->publish_requested ? " after an accepted publish" : " but was never published"));
    require(c.escrowed.minor == 0 || c.escrowed.minor == m->budget,
            c.id + " escrowed " + std::to_string(c.escrowed.minor) + " of a budget of " + std::to_string(m->budget));
    const std::int64_t books =
        c.claimed.minor + c.refunded.minor + c.returned.minor + c.claimable.minor + c.in_flight.minor;
    if (c.escrowed.minor > 0 && c.state != "RUNNING" && c.state != "PUBLISHING")
      require(books == c.escrowed.minor, "money_conserved: " + c.id + " (" + c.state + ") escrowed " +
                                             std::to_string(c.escrowed.minor) + " but its books hold " +
                                             std::to_string(books));
  }
}

void finish_and_check(SimSut& sut, const SimModel& model) {
  auto& sim = *sut.sim;
  sim.heal();
  // run_until_quiet, bounded by a recovery lag: every campaign's deadlines are
  // under 13 hours, so a run not quiet two days after healing is stuck (and a
  // stuck run costs seconds here, not the minutes 30 virtual days would).
  auto& world = sim.world();
  const engine::TimePoint limit = world.now() + engine::Duration(kRecoveryLagUs);
  while (world.fatal().empty() && !world.scheduler().quiet()) {
    const auto due = world.scheduler().next_due();
    if (!due || *due > limit) break;
    world.run_for(*due - world.now());  // through the next event, as World::run_until_quiet steps
  }
  const bool quiet = world.scheduler().quiet();
  if (world.fatal().empty()) sim.invariants().final_check(quiet);
  RC_LOG() << "-- end: heal(); run_until_quiet() -> " << (quiet ? "quiet" : "NOT quiet after the recovery lag") << "\n";
  require(world.violations().empty() && world.fatal().empty(), "final invariants:\n" + violations_text(world));
  require(quiet, "liveness: foreground work still pending two days after heal");
  check_catalogue(sut, model);
  auto& reader = sim.reader();
  std::map<std::string, std::int64_t> claimed_by_owner;
  std::int64_t claimed_total = 0;
  for (const auto& m : model.campaigns) {
    const auto c = reader.campaign(m.id);
    require(c.has_value(), m.id + " vanished from the store");
    if (m.publish_requested)
      require(c->state == "EXPIRED" || c->state == "FAILED",
              "liveness: " + m.id + " is " + c->state + " after heal and quiet");
    require(sim.hedera().balance("escrow:" + m.id).minor == 0, "money_settled: escrow:" + m.id + " is not empty");
    claimed_by_owner[m.owner] += c->claimed.minor;
    claimed_total += c->claimed.minor;
  }
  // What the sequences reached, printed by rapidcheck as a distribution.
  bool expired = false, failed = false;
  for (const auto& c : reader.campaigns()) expired |= c.state == "EXPIRED", failed |= c.state == "FAILED";
  RC_CLASSIFY(expired, "a campaign expired");
  RC_CLASSIFY(failed, "a campaign failed");
  RC_CLASSIFY(claimed_total > 0, "a claim was paid");
  RC_CLASSIFY(sim.fault_counter().all().size() > 0, "faults were injected");
  for (const auto& o : owners()) {
    const std::int64_t now = sim.hedera().balance(o.name).minor;
    require(now == o.balance - claimed_by_owner[o.name],
            std::string("money conserved: ") + o.name + " holds " + std::to_string(now) + ", expected " +
                std::to_string(o.balance) + " - " + std::to_string(claimed_by_owner[o.name]) + " claimed");
  }
  std::int64_t gained = 0;
  for (const auto& u : claimants()) gained += sim.hedera().balance(u).minor - starting_balance(u);
  require(gained == claimed_total, "money conserved: users gained " + std::to_string(gained) + " but " +
                                       std::to_string(claimed_total) + " was claimed");
}

}  // namespace clsim::property
