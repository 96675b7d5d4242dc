// The publish saga under crashes, lost answers and permanent errors: every step
// crashed and restarted posts no second tweet and escrows no second budget.
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

std::string publish(EngineHarness& h, const CampaignSpec& s) {
  auto c = h.engine->create(s);
  EXPECT_TRUE(c.ok) << c.reason;
  EXPECT_TRUE(h.engine->publish(c.id, s.owner).ok);
  return c.id;
}

void expect_published_once(EngineHarness& h, const std::string& id) {
  EXPECT_EQ(h.social.tweets_with("[" + id + "/1]"), 1) << "first tweet posted more than once";
  EXPECT_EQ(h.social.tweets_with("[" + id + "/2]"), 1) << "second tweet posted more than once";
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:" + id + ":escrow"), 1) << "budget escrowed more than once";
}

class SagaCrash : public ::testing::TestWithParam<const char*> {};

TEST_P(SagaCrash, CrashAtThePointThenRestartPublishesExactlyOnce) {
  EngineHarness h;
  h.hooks.crash_at(GetParam());
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  ASSERT_EQ(h.crashes.size(), 1u) << "the crash point was never reached";
  EXPECT_EQ(h.state(id), "EXPIRED");
  expect_published_once(h, id);
  EXPECT_EQ(h.reader().transitions().size(), 5u);
  h.check_money();
}

INSTANTIATE_TEST_SUITE_P(EveryPublishStep, SagaCrash,
                         ::testing::Values("before_first_tweet", "after_first_tweet", "after_contract",
                                           "after_second_tweet", "after_outbox_publish", "during_close",
                                           "after_refund"));

TEST(SagaRecovery, FirstTweetFoundByMarkerAfterRestartIsNotPostedAgain) {
  EngineHarness h;
  h.hooks.crash_at("after_first_tweet");
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  expect_published_once(h, id);
  EXPECT_GE(h.hooks.marks["duplicate_tweet_prevented"], 1);
  h.check_money();
}

TEST(SagaRecovery, DuplicateContentAnswerWhileSearchLagsWaitsForTheTweet) {
  EngineHarness h;
  h.social.search_lag = kMinute * 3;  // the resume comes before search can see the tweet
  h.hooks.crash_at("after_first_tweet");
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  expect_published_once(h, id);
  EXPECT_GE(h.social.post_calls, 3);  // first, the refused repeat, the second tweet
  h.check_money();
}

TEST(SagaRecovery, LostTweetAnswerIsLookedUpNotReposted) {
  EngineHarness h;
  h.social.post_faults.push_back({ApiStatus{0, "", "", {}}, true});  // created, answer lost
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  expect_published_once(h, id);
  h.check_money();
}

TEST(SagaRecovery, LostLedgerAnswerIsResentWithTheSameIdAndExecutesOnce) {
  EngineHarness h;
  h.ledger.lose_next_answers = 1;
  h.ledger.precheck_faults = {LedgerStatus::BUSY, LedgerStatus::PLATFORM_NOT_ACTIVE};
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  expect_published_once(h, id);
  h.check_money();
}

TEST(SagaRecovery, RestartAfterTheReceiptIsGoneAsksTheMemoLookup) {
  EngineHarness h;
  h.hooks.crash_at("after_contract");
  h.restart_after = kMinute * 10;  // receipts live 180 s
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  expect_published_once(h, id);
  EXPECT_GE(h.hooks.marks["ledger_memo_lookup_found"], 1);
  h.check_money();
}

TEST(SagaFailure, InsufficientBalanceFailsThePublishWithNothingEscrowed) {
  EngineHarness h;
  h.ledger.set_balance("poor", 10);
  h.start_engine();
  const auto id = publish(h, h.spec("poor", 10'000));
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "FAILED");
  EXPECT_EQ(h.ledger.balance("poor"), 10);
  EXPECT_EQ(h.bus.count_type("campaign:publish:v1:failed"), 1);
  EXPECT_TRUE(h.reader().timers().empty());
  h.check_money();
}

TEST(SagaFailure, PermanentErrorOnTheSecondTweetRefundsTheWholeEscrow) {
  EngineHarness h;
  h.start_engine();
  const auto id = publish(h, h.spec());
  // Let the first tweet and the contract through, then refuse the second tweet.
  for (int i = 0; i < 100 && h.ledger.balance("escrow:" + id) == 0; ++i) h.run_for(Duration(100'000));
  h.social.post_faults.push_back({ApiStatus{401, "Unauthorized", "Unauthorized", {}}, false});
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "FAILED");
  EXPECT_EQ(h.ledger.balance("alice"), h.ledger.default_balance);
  EXPECT_EQ(h.reader().campaign(id)->refunded, Money(10'000));
  EXPECT_EQ(h.bus.count_type("campaign:refund:v1:success"), 1);
  h.check_money();
}

TEST(SagaFailure, ServerErrorsAreRetriedAndStillPostOnce) {
  EngineHarness h;
  for (int i = 0; i < 3; ++i) h.social.post_faults.push_back({ApiStatus{503, "Service Unavailable", "", {}}, false});
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  expect_published_once(h, id);
  h.check_money();
}

TEST(Mutations, SkipDuplicateTweetCheckPostsTwiceAfterALostAnswer) {
  EngineHarness h;
  h.options.mutations.skip_duplicate_tweet_check = true;
  h.social.post_faults.push_back({ApiStatus{0, "", "", {}}, true});
  h.start_engine();
  const auto id = publish(h, h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.social.tweets_with("[" + id + "/1]"), 2);  // the bug the harness must catch
}

TEST(Mutations, PayWithoutIdempotentIdPaysAClaimTwiceAfterALostAnswer) {
  EngineHarness h;
  h.options.mutations.pay_without_idempotent_id = true;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  // Two rewards, so the escrow can cover the second (wrong) payment.
  h.social.engage(*h.reader().campaign(id)->first_tweet_id, "u-1", EngagementKind::like);
  h.social.engage(*h.reader().campaign(id)->first_tweet_id, "u-2", EngagementKind::like);
  h.run_for(kHour + kMinute);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");
  h.ledger.lose_next_answers = 1;
  ASSERT_TRUE(h.engine->claim(id, "u-1").ok);
  h.run_for(kMinute);
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:" + id + ":claim:u-1"), 2);
}

}  // namespace
}  // namespace clsim::engine::testing
