// Proof that the state machine bites: the same generated command sequences against
// an engine with a deliberate bug (engine::Mutations) must produce a counterexample
// that names the broken invariant. A property that cannot fail proves nothing.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/detail/TestListener.h>

#include <iostream>

#include "property/sim_model_commands.hpp"

namespace clsim::property {
namespace {

// Keeps the deliberate failures out of rapidcheck's end-of-run "to reproduce" list.
struct QuietListener final : rc::detail::TestListener {
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

struct Outcome {
  bool failed = false;
  std::string description;
  std::string counterexample;
};

// Runs the state machine under `mutations` with a fixed seed (independent of
// RC_PARAMS, so the result cannot drift with the environment) and no shrinking
// (shrinking many whole simulations would cost far more than finding one).
Outcome check_with(const engine::Mutations& mutations, std::uint64_t seed, int runs) {
  rc::detail::TestParams params;
  params.seed = seed;
  params.maxSuccess = runs;
  params.maxSize = 100;
  params.disableShrinking = true;
  rc::detail::TestMetadata meta;
  meta.id = meta.description = "state machine under a mutation";
  QuietListener quiet;
  const auto property = [mutations] { run_state_machine(mutations, kSequenceScale); };
  const auto result = rc::detail::checkTestable(property, meta, params, quiet);
  Outcome out;
  rc::detail::FailureResult failure;
  if (result.match(failure)) {
    out.failed = true;
    out.description = failure.description;
    // The CI log says which invariant caught the mutation, after how many cases.
    const auto what = failure.description.find("RC_FAIL(what)");
    std::cout << "caught after " << failure.numSuccess << " passing sequences: "
              << (what == std::string::npos ? failure.description : failure.description.substr(what + 15)) << "\n";
    for (const auto& [type, value] : failure.counterExample) out.counterexample += type + ":\n" + value + "\n";
  }
  return out;
}

TEST(StateMachineBites, PayingWithoutIdempotentIdsIsCaughtAsADoublePaymentOrAStuckCampaign) {
  engine::Mutations m;
  m.pay_without_idempotent_id = true;
  const Outcome o = check_with(m, 20250101, 100);
  ASSERT_TRUE(o.failed) << "100 sequences never caught pay_without_idempotent_id";
  // A payment retried under a fresh id is executed twice (single_*), or finds the
  // escrow already drained and retries forever (liveness).
  const bool named = o.description.find("single_") != std::string::npos ||
                     o.description.find("liveness") != std::string::npos ||
                     o.description.find("escrow_not_overdrawn") != std::string::npos;
  EXPECT_TRUE(named) << o.description;
  EXPECT_NE(o.counterexample.find("run_for("), std::string::npos) << "the counterexample reads as Lua:\n"
                                                                  << o.counterexample;
}

TEST(StateMachineBites, PostingTweetsWithoutTheDuplicateCheckIsCaughtAsADuplicateTweet) {
  engine::Mutations m;
  m.skip_duplicate_tweet_check = true;
  const Outcome o = check_with(m, 20250101, 100);
  ASSERT_TRUE(o.failed) << "100 sequences never caught skip_duplicate_tweet_check";
  EXPECT_NE(o.description.find("no_duplicate_tweet"), std::string::npos) << o.description;
  EXPECT_NE(o.counterexample.find("publish(\""), std::string::npos) << "the counterexample reads as Lua:\n"
                                                                    << o.counterexample;
}

}  // namespace
}  // namespace clsim::property
