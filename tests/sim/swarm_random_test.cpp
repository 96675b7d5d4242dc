// The swarm's random workload: a plan that is a pure function of the seed, uses
// only catalogued faults, and runs to the same trace twice; its report says
// scenario "random" and carries the plan.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/swarm/random_run.hpp"
#include "sim/world/fault_keys.hpp"

namespace {

using json = nlohmann::ordered_json;

TEST(RandomPlan, SameSeedGivesTheSamePlan) {
  EXPECT_EQ(clsim::sim::generate_random_plan(42).dump(), clsim::sim::generate_random_plan(42).dump());
}

// Not one pair of seeds but twenty: every plan's actions differ, and the seed moves
// the workload's size and its faults, not only its times.
TEST(RandomPlan, DifferentSeedsPickDifferentWorkloads) {
  std::set<std::string> actions, faults;
  std::set<std::size_t> sizes;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto plan = clsim::sim::generate_random_plan(seed);
    actions.insert(plan["actions"].dump());
    faults.insert(plan["faults"].dump());
    sizes.insert(plan["actions"].size());
  }
  EXPECT_EQ(actions.size(), 20u);
  EXPECT_GE(faults.size(), 5u);
  EXPECT_GE(sizes.size(), 5u);
}

TEST(RandomPlan, PicksOnlyCataloguedFaultsAndVariesThemAcrossSeeds) {
  std::set<std::string> seen;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const json plan = clsim::sim::generate_random_plan(seed);
    for (auto s = plan["faults"].begin(); s != plan["faults"].end(); ++s)
      for (auto k = s.value().begin(); k != s.value().end(); ++k) {
        EXPECT_NE(clsim::sim::find_fault_key(s.key(), k.key()), nullptr) << s.key() << "." << k.key();
        seen.insert(s.key() + "." + k.key());
      }
  }
  // Swarm testing: over 60 seeds most of the catalogue is switched on somewhere.
  EXPECT_GT(seen.size(), clsim::sim::fault_key_specs().size() * 3 / 4);
}

TEST(RandomPlan, ActionsAreInTimeOrderAndTheWorldIsHealed) {
  const json plan = clsim::sim::generate_random_plan(7);
  std::int64_t last = 0;
  int heals = 0;
  for (const auto& a : plan["actions"]) {
    EXPECT_GE(a["at_us"].get<std::int64_t>(), last);
    last = a["at_us"].get<std::int64_t>();
    heals += a["op"] == "heal";
  }
  EXPECT_EQ(heals, 1);
  EXPECT_EQ(plan["heal_at_us"].get<std::int64_t>() <= last, true);
}

TEST(RandomPlan, BiasAddsItsFaultsAndCrashPointsAndIsRecorded) {
  clsim::sim::RandomBias bias;
  bias.random_faults = false;
  bias.extra_faults = {{"bus", {{"duplicate_rate", 0.5}}}};
  bias.extra_crash_points = {"after_first_tweet"};
  const json plan = clsim::sim::generate_random_plan(3, bias);
  EXPECT_EQ(plan["faults"], (json{{"bus", {{"duplicate_rate", 0.5}}}}));
  EXPECT_EQ(plan["crash_points"].back()["point"], "after_first_tweet");
  EXPECT_TRUE(plan.contains("bias"));
  EXPECT_NE(clsim::sim::random_repro(3, {}, bias).find("--fault bus.duplicate_rate=0.5 --crash-at after_first_tweet"),
            std::string::npos);
}

TEST(RandomRun, SameSeedRunsToTheSameTraceAndReportsItsPlan) {
  clsim::sim::RandomRunOptions o;
  o.seed = 5;
  o.bias.random_faults = false;
  o.bias.max_social_campaigns = 1;
  o.bias.no_rule_campaigns = true;
  auto a = clsim::sim::run_random(o);
  auto b = clsim::sim::run_random(o);
  ASSERT_TRUE(a.sim && b.sim);
  EXPECT_EQ(a.exit_code, 0) << a.first_failure();
  const json ra = clsim::sim::random_report(a, 0), rb = clsim::sim::random_report(b, 0);
  EXPECT_EQ(ra["trace_hash"], rb["trace_hash"]);
  EXPECT_EQ(ra["scenario"], "random");
  EXPECT_EQ(ra["random_plan"], a.plan);
  EXPECT_EQ(ra["result"], "pass");
  EXPECT_GT(ra["random_outcomes"]["create"]["accepted"].get<int>(), 0);
}

}  // namespace
