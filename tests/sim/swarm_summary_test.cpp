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

}  // namespace
