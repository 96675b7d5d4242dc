// The rapidcheck model of a simulated deployment for the state-machine tests: what
// must stay true of the campaigns (which exist, who owns them, which were published,
// their budgets), the system under test (a two-engine Simulation), and the checks
// run after every command and at the end of a sequence.
#pragma once
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "sim/swarm/plan_lua.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::property {

struct CampaignModel {
  std::string id, owner, text;
  std::int64_t budget = 0;
  engine::Rates rates;
  std::int64_t duration_us = 0, claim_window_us = 0;
  bool publish_requested = false;  // once accepted, the campaign never is CREATED again
  // Users the sequence made engage with the first tweet (the world has no random
  // audience): the claim oracle's own knowledge of who may ever be paid.
  std::set<std::string> engaged;
};

// Engine 1 always serves commands (it is only crashed with an immediate restart),
// so every command's answer follows from this model alone.
struct SimModel {
  std::vector<CampaignModel> campaigns;  // in creation order
  int next_campaign = 1;
  std::int64_t elapsed_us = 0;  // virtual time the commands advanced

  const CampaignModel* find(const std::string& id) const;
  CampaignModel* find(const std::string& id);
};

// Owners and their starting balances; carol is poor, so some contracts fail.
struct Owner {
  const char* name;
  std::int64_t balance;
};
const std::vector<Owner>& owners();
// Users u-1..u-N whom Engage commands make engage, plus mallory, who never does.
constexpr int kAudienceUsers = 6;
std::vector<std::string> claimants();
// Accounts the world does not name start with this balance (docs/CONTRACTS.md).
constexpr std::int64_t kDefaultBalance = 1'000'000'000'000;
// How long after heal() a sequence may take to go quiet before it counts as stuck.
constexpr std::int64_t kRecoveryLagUs = 2LL * 86'400'000'000;

struct SimSut {
  SimSut(std::uint64_t seed, engine::Mutations mutations);
  std::uint64_t seed;
  engine::Mutations mutations;
  std::unique_ptr<sim::Simulation> sim;
};

// The world{} table both the Simulation and the printed Lua scenario use.
nlohmann::ordered_json world_table();
// "scenario {...}" and "world {...}" lines, with the run command as a comment.
std::string lua_header(std::uint64_t seed, const engine::Mutations& mutations);
// Microseconds as the Lua time helpers read best: "hours(3)", "seconds(90)".
using sim::lua_duration;

// After every command: the invariant checker found nothing, and the store agrees
// with the model (same campaigns, owners, budgets, texts; published ones left
// CREATED, unpublished ones did not), the ledger's supply holds, and every settled
// campaign's books balance. RC_ASSERT fails the case.
void check_catalogue(SimSut& sut, const SimModel& model);
// End of a sequence: heal, run until quiet, the final invariants (liveness
// included), every published campaign EXPIRED or FAILED, and money conserved:
// each owner lost exactly what users claimed from their campaigns.
void finish_and_check(SimSut& sut, const SimModel& model);
// "invariant: message" of every violation the world recorded, one a line.
std::string violations_text(sim::World& world);

}  // namespace clsim::property
