// Durable timers: one close timer per RUNNING campaign, recovery after restart
// (overdue timers fire at once), one global poll timer.
#include "engine/store/sqlite_db.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

int count_timers(EngineHarness& h, const std::string& campaign, const std::string& kind) {
  int n = 0;
  for (const auto& t : h.reader().timers()) n += t.campaign_id == campaign && t.kind == kind;
  return n;
}

TEST(DurableTimers, EveryRunningCampaignHasExactlyOneCloseTimer) {
  EngineHarness h;
  h.start_engine();
  const auto a = h.running_campaign(h.spec());
  const auto b = h.running_campaign(h.spec("bob"));
  EXPECT_EQ(count_timers(h, a, "close"), 1);
  EXPECT_EQ(count_timers(h, b, "close"), 1);
  EXPECT_EQ(count_timers(h, "*", "poll"), 1);  // one poll timer batches both
  EXPECT_EQ(h.reader().timers().size(), 3u);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_TRUE(h.reader().timers().empty());
  h.check_money();
}

TEST(DurableTimers, OverdueCloseTimerFiresAtOnceAfterRestart) {
  EngineHarness h;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  const auto close_us = *h.reader().campaign(id)->close_us;
  h.crash();
  h.run_for(kHour * 3);  // the engine is down past the close time
  EXPECT_EQ(h.state(id), "RUNNING");
  h.start_engine();
  h.run_for(kSecond * 5);
  EXPECT_NE(h.state(id), "RUNNING");
  EXPECT_GE(h.hooks.marks["timer_fired_late"], 1);
  EXPECT_GE(h.engine->health().timer_lag, h.scheduler.now() - from_us(close_us) - kSecond * 6);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  h.check_money();
}

// Another engine sharing the store re-arms a timer the way arm() does (a new
// change number): this engine's next 30-second sweep reads that row and fires it.
TEST(DurableTimers, ATimerAnotherEngineReArmsIsPickedUpByTheNextSweep) {
  EngineHarness h;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  ASSERT_EQ(h.state(id), "RUNNING");
  h.run_for(kSecond * 35);  // a sweep has read the close timer since it was armed
  const std::int64_t soon_us = to_us(h.scheduler.now() + kSecond * 10);
  {
    SqliteDb other(h.db_path, "", false);
    other.exec("UPDATE timer_changes SET n = n + 1");
    other.exec("UPDATE timers SET due_us = " + std::to_string(soon_us) +
               ", changed = (SELECT n FROM timer_changes) WHERE campaign_id = '" + id + "' AND kind = 'close'");
  }
  h.run_for(kSecond * 45);  // one sweep interval (30 s) past the new due time
  EXPECT_NE(h.state(id), "RUNNING") << "the close timer moved by another engine never fired";
}

// The change number moves once a transaction, and every row that commit arms
// carries it: a sweep that has seen the number before reads them all, one
// statement fewer per rule event.
TEST(DurableTimers, TimersArmedInOneTransactionShareOneChangeNumber) {
  EngineHarness h;
  h.ledger.consensus_delay = kMinute * 10;  // payments stay in flight, so their resume timers stay armed
  h.start_engine();
  RuleCampaignSpec spec{std::nullopt, "shop", Money(1'000), kHour * 2,
                        {Rule{"purchase", {RuleCondition{"amount", ">", 50}}, Money(10)}}};
  ASSERT_TRUE(h.engine->create_rule_campaign(spec).ok);
  h.run_for(kMinute * 11);  // funded
  std::vector<CustomerEvent> batch;
  for (const char* id : {"e-1", "e-2", "e-3"})
    batch.push_back(CustomerEvent{id, "purchase", "bob", {{"amount", 75}}});
  for (const auto& r : h.engine->customer_events(batch)) ASSERT_TRUE(r.ok) << r.reason;
  h.run_for(kSecond * 5);  // relayed together, taken in one transaction
  SqliteDb other(h.db_path, "", false);
  auto& q = other.prepare("SELECT changed FROM timers WHERE kind = 'rule_event' ORDER BY campaign_id");
  std::vector<std::int64_t> changed;
  while (q.step()) changed.push_back(q.int_at(0));
  q.reset();
  ASSERT_EQ(changed.size(), 3u);
  EXPECT_EQ(changed[0], changed[1]);
  EXPECT_EQ(changed[1], changed[2]);
}

TEST(DurableTimers, ClaimInterruptedByACrashIsResumedFromItsStoredId) {
  EngineHarness h;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  h.social.engage(*h.reader().campaign(id)->first_tweet_id, "u-1", EngagementKind::retweet);
  h.run_for(kHour + kMinute);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");
  h.hooks.crash_at("after_claim_transfer");
  ASSERT_TRUE(h.engine->claim(id, "u-1").ok);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.crashes.size(), 1u);
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:" + id + ":claim:u-1"), 1);
  EXPECT_EQ(h.reader().rewards(id)[0].status, "claimed");
  EXPECT_EQ(h.state(id), "EXPIRED");
  h.check_money();
}

TEST(DurableTimers, PollingRecordsEachEngagementOnceAcrossPages) {
  EngineHarness h;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  const auto tweet = *h.reader().campaign(id)->first_tweet_id;
  for (int i = 1; i <= 7; ++i) h.social.engage(tweet, "u-" + std::to_string(i), EngagementKind::like);
  h.run_for(kMinute * 6);
  h.social.engage(tweet, "u-8", EngagementKind::like);
  h.run_for(kMinute * 5);
  const int engager_calls = h.social.engager_calls;
  h.run_for(kMinute * 5);  // nothing changed: metrics only, no engager pages
  EXPECT_EQ(h.social.engager_calls, engager_calls);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.reader().rewards(id).size(), 8u);
  h.check_money();
}

}  // namespace
}  // namespace clsim::engine::testing
