// clsim fuzz --guided's choices (sim/swarm/coverage_guide.hpp) and the fuzz
// state (sim/swarm/fuzz_state.hpp): knobs follow from a cell's name, a batch is
// a function of the fuzz seed, the batch number and the coverage alone, and a
// saved state picks up its seed stream where it stopped.
#include <gtest/gtest.h>

#include <set>

#include "sim/swarm/coverage_guide.hpp"
#include "sim/swarm/fuzz_failure.hpp"
#include "sim/swarm/fuzz_state.hpp"

namespace {

using clsim::sim::RequiredCell;
using json = nlohmann::json;

TEST(CoverageGuide, AMatrixCellArmsItsCrashPointAndTurnsOnItsFault) {
  const auto k = clsim::sim::knobs_for({0, "matrix", "RUNNING->CLOSED x twitter_timeout x during_close"});
  ASSERT_TRUE(k);
  EXPECT_EQ(clsim::sim::bias_args(*k), " --fault twitter.timeout_rate=0.3 --crash-at during_close --late-heal");
  const auto dup = clsim::sim::knobs_for({0, "matrix", "REWARD_CLAIM->EXPIRED x hedera_duplicate x none"});
  ASSERT_TRUE(dup);
  EXPECT_EQ(clsim::sim::bias_args(*dup), " --fault hedera.unknown_outcome_rate=0.3 --late-heal");
  const auto quiet = clsim::sim::knobs_for({0, "matrix", "CLOSED->REWARD_CLAIM x none x after_refund"});
  ASSERT_TRUE(quiet);
  EXPECT_EQ(clsim::sim::bias_args(*quiet), " --focused --crash-at after_refund");
  EXPECT_FALSE(clsim::sim::knobs_for({0, "sometimes", "claim_refused"})) << "no hint: the plain random workload";
}

TEST(CoverageGuide, ABatchDependsOnlyOnSeedBatchAndCoverage) {
  const std::vector<RequiredCell> required = {{1, "crash_points", "during_close"},
                                              {2, "sometimes", "duplicate_tweet_prevented"},
                                              {3, "crash_points", "after_refund"}};
  const json none = json::object();
  const auto a = clsim::sim::guided_batch(1, 4, 16, none, required);
  const auto b = clsim::sim::guided_batch(1, 4, 16, none, required);
  ASSERT_EQ(a.size(), 16u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(clsim::sim::bias_args(a[i]), clsim::sim::bias_args(b[i])) << i;
    if (i % 4 == 3) EXPECT_EQ(clsim::sim::bias_args(a[i]), "") << "every fourth seed explores unguided";
    else EXPECT_NE(clsim::sim::bias_args(a[i]), "") << i;
  }
  // Once a cell is reached it is no longer aimed at.
  const json reached = {{"crash_points", {{"during_close", 3}, {"after_refund", 1}}}};
  for (const auto& bias : clsim::sim::guided_batch(1, 5, 16, reached, required))
    EXPECT_EQ(clsim::sim::bias_args(bias).find("--crash-at"), std::string::npos) << clsim::sim::bias_args(bias);
}

TEST(FuzzState, ASavedStateContinuesTheSeedStreamWithoutRepeats) {
  clsim::sim::FuzzState state(7, false, {});
  std::set<std::uint64_t> seen;
  auto batch = state.next(16, {});
  ASSERT_EQ(batch.size(), 16u);
  for (std::size_t i = 0; i < 10; ++i) {
    state.record(batch[i], {{"seed", batch[i].seed}, {"result", "pass"}, {"trace_hash", "x"}}, {});
    seen.insert(batch[i].seed);
  }
  clsim::sim::FuzzState resumed(7, false, {});
  resumed.load(state.to_json());
  EXPECT_EQ(resumed.to_json(), state.to_json());
  auto rest = resumed.next(100, {});
  ASSERT_EQ(rest.size(), 6u) << "the open batch first";
  EXPECT_EQ(rest.front().seed, batch[10].seed);
  for (const auto& s : rest) resumed.record(s, {{"seed", s.seed}, {"result", "pass"}}, {}), seen.insert(s.seed);
  for (const auto& s : resumed.next(16, {})) EXPECT_TRUE(seen.insert(s.seed).second) << s.seed;
  clsim::sim::FuzzState other(8, false, {});
  EXPECT_THROW(other.load(state.to_json()), std::invalid_argument);
}

TEST(FuzzFailure, TheKeptForCellIsTheRarestSometimesMarkFirst) {
  const json coverage = {{"sometimes", {{"claim_refused", 2}, {"timer_fired_late", 1}}},
                         {"crash_points", {{"during_close", 1}}},
                         {"matrix", {{"RUNNING->CLOSED x none x none", 1}}}};
  const json rarity = {{"sometimes", {{"claim_refused", 3}, {"timer_fired_late", 40}}}};
  EXPECT_EQ(clsim::sim::pick_kept_for(coverage, rarity), "sometimes claim_refused");
  const json only_plain = {{"matrix", {{"RUNNING->CLOSED x none x none", 1}}}};
  EXPECT_EQ(clsim::sim::pick_kept_for(only_plain, json::object()), "");
}

}  // namespace
