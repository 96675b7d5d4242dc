// The whole life of a social campaign on fakes: publish, engagements, close with
// rewards and refund, claims, expiry with the unclaimed rest returned.
#include "engine/store/sqlite_db.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

TEST(Lifecycle, PublishedCampaignRunsClosesAndExpiresWithMoneyConserved) {
  EngineHarness h;
  h.start_engine();
  const std::string id = h.running_campaign(h.spec());
  ASSERT_EQ(h.state(id), "RUNNING");
  auto rec = h.reader().campaign(id);
  ASSERT_TRUE(rec->first_tweet_id && rec->second_tweet_id);
  EXPECT_EQ(h.social.tweets_with("[" + id + "/1]"), 1);
  EXPECT_EQ(h.social.tweets_with("[" + id + "/2]"), 1);
  EXPECT_EQ(h.ledger.balance("escrow:" + id), 10'000);

  h.social.engage(*rec->first_tweet_id, "u-1", EngagementKind::like);
  h.social.engage(*rec->first_tweet_id, "u-2", EngagementKind::like);
  h.social.engage(*rec->first_tweet_id, "u-3", EngagementKind::like);
  h.social.engage(*rec->first_tweet_id, "u-2", EngagementKind::retweet);
  h.social.engage(*rec->first_tweet_id, "alice", EngagementKind::like);  // the owner earns nothing
  h.run_for(kMinute * 20);
  h.social.engage(*rec->first_tweet_id, "u-4", EngagementKind::reply);  // seen only by the final poll
  h.run_for(kHour);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");

  auto rewards = h.reader().rewards(id);
  ASSERT_EQ(rewards.size(), 4u);
  EXPECT_EQ(rewards[0].user, "u-1");
  EXPECT_EQ(rewards[0].amount, Money(100));
  EXPECT_EQ(rewards[1].amount, Money(400));  // u-2: like + retweet
  EXPECT_EQ(rewards[3].amount, Money(200));  // u-4: reply
  rec = h.reader().campaign(id);
  EXPECT_EQ(rec->refunded, Money(10'000 - 800));

  EXPECT_TRUE(h.engine->claim(id, "u-2").ok);
  h.run_for(kMinute);
  EXPECT_EQ(h.ledger.balance("u-2"), h.ledger.default_balance + 400);
  h.check_money();

  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  rec = h.reader().campaign(id);
  EXPECT_EQ(rec->claimed, Money(400));
  EXPECT_EQ(rec->returned, Money(400));
  EXPECT_EQ(h.ledger.balance("alice"), h.ledger.default_balance - 400);  // only the claimed reward left her
  h.check_money();
}

TEST(Lifecycle, SecondClaimIsRefusedWithAReasonAndPaysOnce) {
  EngineHarness h;
  h.start_engine();
  const std::string id = h.running_campaign(h.spec());
  auto rec = h.reader().campaign(id);
  h.social.engage(*rec->first_tweet_id, "u-1", EngagementKind::quote);
  h.run_for(kHour + kMinute);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");
  EXPECT_TRUE(h.engine->claim(id, "u-1").ok);
  auto again = h.engine->claim(id, "u-1");
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.reason, "user u-1 already claimed");
  h.run_for(kMinute);
  again = h.engine->claim(id, "u-1");
  EXPECT_EQ(again.reason, "user u-1 already claimed");
  EXPECT_EQ(h.hooks.marks["claim_refused"], 2);
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:" + id + ":claim:u-1"), 1);
  EXPECT_EQ(h.engine->claim(id, "u-9").reason, "user u-9 has no reward in " + id);
  ASSERT_TRUE(h.run_until_quiet());
  h.check_money();
}

TEST(Lifecycle, ExpiryReturnsOnlyUnclaimedRewards) {
  EngineHarness h;
  h.start_engine();
  const std::string id = h.running_campaign(h.spec());
  auto rec = h.reader().campaign(id);
  for (const char* u : {"u-1", "u-2", "u-3"}) h.social.engage(*rec->first_tweet_id, u, EngagementKind::retweet);
  h.run_for(kHour + kMinute);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");
  EXPECT_TRUE(h.engine->claim(id, "u-1").ok);
  EXPECT_TRUE(h.engine->claim(id, "u-3").ok);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  auto rewards = h.reader().rewards(id);
  ASSERT_EQ(rewards.size(), 3u);
  EXPECT_EQ(rewards[0].status, "claimed");
  EXPECT_EQ(rewards[1].status, "returned");
  EXPECT_EQ(rewards[2].status, "claimed");
  rec = h.reader().campaign(id);
  EXPECT_EQ(rec->returned, Money(300));
  EXPECT_EQ(rec->claimed, Money(600));
  EXPECT_EQ(h.engine->claim(id, "u-2").reason, "campaign " + id + " is EXPIRED; claim is allowed only in REWARD_CLAIM");
  h.check_money();
}

TEST(Lifecycle, ClaimInFlightAtExpiryEndsClaimedNotReturned) {
  EngineHarness h;
  h.ledger.consensus_delay = kSecond * 5;
  h.start_engine();
  const std::string id = h.running_campaign(h.spec());
  auto rec = h.reader().campaign(id);
  h.social.engage(*rec->first_tweet_id, "u-1", EngagementKind::like);
  h.run_for(kHour + kMinute);
  rec = h.reader().campaign(id);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");
  // Claim one second before the window closes; the transfer outlives it.
  h.scheduler.run_until(from_us(*rec->expiry_us) - kSecond);
  EXPECT_TRUE(h.engine->claim(id, "u-1").ok);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  EXPECT_EQ(h.reader().rewards(id)[0].status, "claimed");
  EXPECT_EQ(h.reader().campaign(id)->returned, Money(0));
  EXPECT_GE(h.hooks.marks["expiry_waits_for_claim"], 1);
  h.check_money();
}

TEST(Lifecycle, StateUpdatesHaveGaplessSequenceAndResyncReturnsTheRest) {
  EngineHarness h;
  h.start_engine();
  const std::string id = h.running_campaign(h.spec());
  ASSERT_TRUE(h.run_until_quiet());
  auto sent = h.notifier.for_campaign(id);
  ASSERT_GE(sent.size(), 6u);  // CREATED, PUBLISHING, RUNNING, CLOSED, REWARD_CLAIM, EXPIRED
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(sent[i].seq, std::int64_t(i + 1));
  EXPECT_EQ(sent.back().state, "EXPIRED");
  EXPECT_EQ(sent.back().view["state"], "EXPIRED");
  auto missed = h.engine->updates_since(id, 3);
  ASSERT_EQ(missed.size(), sent.size() - 3);
  EXPECT_EQ(missed.front().seq, 4);
  EXPECT_EQ(missed.front().state, sent[3].state);
  h.check_money();
}

TEST(Lifecycle, OverBudgetEngagementsArePaidProRataAndTheRemainderRefunded) {
  EngineHarness h;
  h.start_engine();
  auto s = h.spec("alice", 1000);
  s.rates = Rates{Money(300), Money(0), Money(0), Money(0)};
  const std::string id = h.running_campaign(s);
  auto rec = h.reader().campaign(id);
  for (const char* u : {"u-1", "u-2", "u-3", "u-4"}) h.social.engage(*rec->first_tweet_id, u, EngagementKind::like);
  h.run_for(kHour + kMinute);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");
  for (const auto& r : h.reader().rewards(id)) EXPECT_EQ(r.amount, Money(250));
  EXPECT_EQ(h.reader().campaign(id)->refunded, Money(0));
  ASSERT_TRUE(h.run_until_quiet());
  h.check_money();
}

TEST(Lifecycle, HealthReportsStoreBusHeartbeatAndBacklog) {
  EngineHarness h;
  h.start_engine();
  h.run_for(kSecond);
  auto health = h.engine->health();
  EXPECT_TRUE(health.store_ok);
  EXPECT_TRUE(health.bus_ok);
  EXPECT_EQ(health.outbox_backlog, 0);
  EXPECT_EQ(health.heartbeat_at, from_us(kDefaultStartUs));
  // Ticks every 30 s write the heartbeat row only once it is 5 minutes old.
  h.run_for(kMinute);
  EXPECT_EQ(h.engine->health().heartbeat_at, from_us(kDefaultStartUs));
  h.run_for(kMinute * 5);
  EXPECT_EQ(h.engine->health().heartbeat_at, from_us(kDefaultStartUs) + kMinute * 5);

  // The bus refuses publishes: the publish's message waits in the outbox.
  h.bus.fail_next_publishes = 1'000'000;
  const auto c = h.engine->create(h.spec());
  ASSERT_TRUE(h.engine->publish(c.id, "alice").ok);
  h.run_for(kSecond * 5);
  health = h.engine->health();
  EXPECT_FALSE(health.bus_ok);
  EXPECT_GE(health.outbox_backlog, 1);
  h.bus.fail_next_publishes = 0;
  h.run_for(kMinute);
  health = h.engine->health();
  EXPECT_TRUE(health.bus_ok);
  EXPECT_EQ(health.outbox_backlog, 0);

  // Another connection holds the write lock: the engine's next transaction fails.
  {
    SqliteDb other(h.db_path, "", false);
    other.exec("BEGIN IMMEDIATE");
    EXPECT_FALSE(h.engine->create(h.spec()).ok);
    EXPECT_FALSE(h.engine->health().store_ok);
    other.exec("ROLLBACK");
  }
  EXPECT_TRUE(h.engine->create(h.spec()).ok);
  EXPECT_TRUE(h.engine->health().store_ok);
}

}  // namespace
}  // namespace clsim::engine::testing
