// The swarm summary: failures named by their first invariant, coverage summed,
// shard summaries merged to the same result as one run over all seeds.
#include <gtest/gtest.h>

#include "sim/swarm/swarm_summary.hpp"

namespace {

using json = nlohmann::ordered_json;
using clsim::sim::SwarmSummary;

json report(std::uint64_t seed, const char* result, std::int64_t crashes) {
  json r = {{"clsim_report", 1}, {"seed", seed}, {"result", result}, {"repro", "repro " + std::to_string(seed)},
            {"faults", {{"crash", crashes}}},
            {"coverage", {{"transitions", {{"CREATED->PUBLISHING", 1}}}, {"sometimes", {{"claim_refused", seed}}}}}};
  if (std::string(result) == "fail") r["first_violation"] = {{"invariant", "single_payment"}};
  return r;
}

TEST(SwarmSummary, FailureNamesTheFirstViolatedInvariantAndKeepsTheRepro) {
  SwarmSummary s;
  s.add_run(report(2, "pass", 0));
  s.add_run(report(1, "fail", 1));
  const json j = s.to_json();
  EXPECT_EQ(j["seeds_run"], 2);
  EXPECT_EQ(j["seeds"], json::array({1, 2}));
  ASSERT_EQ(j["failures"].size(), 1u);
  EXPECT_EQ(j["failures"][0]["seed"], 1);
  EXPECT_EQ(j["failures"][0]["invariant"], "single_payment");
  EXPECT_EQ(j["failures"][0]["repro"], "repro 1");
}

TEST(SwarmSummary, CoverageAndFaultsAreSummedOverRuns) {
  SwarmSummary s;
  s.add_run(report(1, "pass", 2));
  s.add_run(report(2, "pass", 3));
  const json j = s.to_json();
  EXPECT_EQ(j["coverage"]["transitions"]["CREATED->PUBLISHING"], 2);
  EXPECT_EQ(j["coverage"]["sometimes"]["claim_refused"], 3);
  EXPECT_EQ(j["coverage"]["faults"]["crash"], 5);
}

TEST(SwarmSummary, MergingShardsEqualsOneSummaryOverAllSeeds) {
  SwarmSummary whole, a, b;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const json r = report(seed, seed == 4 ? "fail" : "pass", std::int64_t(seed));
    whole.add_run(r);
    (seed % 2 ? a : b).add_run(r);
  }
  SwarmSummary merged;
  merged.merge(b.to_json());
  merged.merge(a.to_json());
  EXPECT_EQ(merged.to_json(), whole.to_json());
}

TEST(SwarmSummary, MergeRefusesSomethingThatIsNotASummary) {
  SwarmSummary s;
  EXPECT_THROW(s.merge(json{{"clsim_report", 1}}), std::invalid_argument);
}

TEST(SwarmSummary, TimedOutRunIsAFailureNamedTimeout) {
  SwarmSummary s;
  s.add_run(json{{"seed", 7}, {"result", "timeout"}, {"repro", "r"}});
  EXPECT_EQ(s.failures().at(7).invariant, "timeout");
}

TEST(SwarmSummary, AReproducibleFailureCarriesTheShrinkCommandForItsRepro) {
  EXPECT_EQ(clsim::sim::shrink_command_for({"single_payment", "build/clsim run --random --seed 9 --focused --mutate skip_inbox_dedup"}, 9),
            "build/clsim shrink --random --seed 9 --focused --mutate skip_inbox_dedup --out seed-9.lua");
  EXPECT_EQ(clsim::sim::shrink_command_for({"check", "build/clsim run scenarios/a.lua --seed 4"}, 4),
            "build/clsim shrink --scenario scenarios/a.lua --seed 4 --out seed-4.lua");
  EXPECT_EQ(clsim::sim::shrink_command_for({"timeout", "build/clsim run --random --seed 7"}, 7), "");
  SwarmSummary s;
  s.add_run(json{{"seed", 3}, {"result", "fail"}, {"first_violation", {{"invariant", "no_duplicate_tweet"}}},
                 {"repro", "build/clsim run --random --seed 3"}});
  s.add_run(json{{"seed", 7}, {"result", "timeout"}, {"repro", "build/clsim run --random --seed 7"}});
  const json j = s.to_json();
  EXPECT_EQ(j["failures"][0]["shrink"], "build/clsim shrink --random --seed 3 --out seed-3.lua");
  EXPECT_FALSE(j["failures"][1].contains("shrink"));
}

}  // namespace
