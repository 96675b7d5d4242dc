// Proof that the harness bites: each deliberate engine bug (engine::Mutations)
// is found by a small in-process swarm of random seeds, under the invariant that
// guards it, while the same seeds without the bug pass. The workload is biased
// (sim/swarm/random_plan.hpp RandomBias) so the guarded moment is reached.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "sim/swarm/random_run.hpp"

namespace {

using clsim::sim::RandomBias;
using clsim::sim::RandomRunOptions;
using clsim::sim::run_random;

struct Found {
  std::uint64_t seed = 0;
  std::string invariant;
  std::int64_t insufficient_balance = 0;  // ledger refusals: money asked for twice
  std::vector<std::uint64_t> tried;
};

// Runs seeds first.. until one fails (at most `budget` seeds).
Found swarm_until_found(const clsim::engine::Mutations& m, const RandomBias& bias, std::uint64_t first, int budget) {
  Found f;
  for (std::uint64_t seed = first; seed < first + std::uint64_t(budget); ++seed) {
    RandomRunOptions o;
    o.seed = seed;
    o.mutations = m;
    o.bias = bias;
    o.stop_at_first_violation = true;
    o.max_time = std::chrono::hours(24 * 5);  // a focused plan settles within 4 days
    auto r = run_random(o);
    f.tried.push_back(seed);
    if (r.exit_code != 0) {
      f.seed = seed;
      f.invariant = r.first_failure();
      f.insufficient_balance = r.sim->fault_counts().value("hedera_insufficient_balance", std::int64_t(0));
      return f;
    }
  }
  return f;
}

void expect_clean(const std::vector<std::uint64_t>& seeds, const RandomBias& bias) {
  for (auto seed : seeds) {
    RandomRunOptions o;
    o.seed = seed;
    o.bias = bias;
    auto r = run_random(o);
    EXPECT_EQ(r.exit_code, 0) << "seed " << seed << " fails with no mutation: " << r.first_failure() << " ("
                              << clsim::sim::random_repro(seed, {}, bias) << ")";
  }
}

// Small, focused workloads: no random faults, a few campaigns, the bias on top.
RandomBias focused() {
  RandomBias b;
  b.random_faults = false;
  b.max_social_campaigns = 3;
  b.no_rule_campaigns = true;
  return b;
}

TEST(MutationSwarm, SkippingTheDuplicateTweetCheckIsFoundAsNoDuplicateTweet) {
  RandomBias bias = focused();
  bias.extra_crash_points = {"after_first_tweet", "after_second_tweet"};
  clsim::engine::Mutations m;
  m.skip_duplicate_tweet_check = true;
  const Found f = swarm_until_found(m, bias, 1, 6);
  ASSERT_NE(f.seed, 0u) << "no seed of " << f.tried.size() << " found the mutation";
  EXPECT_EQ(f.invariant, "no_duplicate_tweet") << clsim::sim::random_repro(f.seed, m, bias);
  expect_clean(f.tried, bias);
}

TEST(MutationSwarm, SkippingTheInboxDedupIsFoundAsASecondContract) {
  RandomBias bias = focused();
  // A duplicate must arrive after the ledger's own dedup window (3 minutes) to
  // execute twice, so deliveries are slow.
  bias.extra_faults = {{"bus", {{"duplicate_rate", 0.6}, {"delay_min", 200'000'000}, {"delay_max", 600'000'000}, {"reorder", true}}}};
  clsim::engine::Mutations m;
  m.skip_inbox_dedup = true;
  const Found f = swarm_until_found(m, bias, 1, 6);
  ASSERT_NE(f.seed, 0u) << "no seed of " << f.tried.size() << " found the mutation";
  EXPECT_EQ(f.invariant, "single_contract") << clsim::sim::random_repro(f.seed, m, bias);
  expect_clean(f.tried, bias);
}

TEST(MutationSwarm, PayingWithoutAnIdempotentIdIsFoundAsADoublePayment) {
  RandomBias bias = focused();
  // A lost answer makes the engine pay again; the faults last through the claims.
  bias.extra_faults = {{"hedera", {{"unknown_outcome_rate", 0.3}}}};
  bias.late_heal = true;
  clsim::engine::Mutations m;
  m.pay_without_idempotent_id = true;
  const Found f = swarm_until_found(m, bias, 1, 6);
  ASSERT_NE(f.seed, 0u) << "no seed of " << f.tried.size() << " found the mutation";
  const std::set<std::string> paid_twice = {"single_payment", "single_contract", "single_transfer"};
  // When the second payment finds the escrow already emptied (a refund executed
  // twice), the ledger refuses it and the engine retries a payment that was made:
  // the campaign never settles, which liveness names.
  const bool stuck_paying_again = f.invariant == "liveness" && f.insufficient_balance > 0;
  EXPECT_TRUE(paid_twice.count(f.invariant) || stuck_paying_again)
      << f.invariant << ": " << clsim::sim::random_repro(f.seed, m, bias);
  expect_clean(f.tried, bias);
}

}  // namespace
