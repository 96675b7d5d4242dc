// EngineOptions::durations: the waits and leases the engine used to hard-code are
// options, so a live service on real time can run with shorter ones.
#include "engine/names.hpp"
#include "engine/store/sqlite_db.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

std::int64_t due_of(EngineHarness& h, const std::string& campaign, const std::string& kind) {
  for (const auto& t : h.reader().timers())
    if (t.campaign_id == campaign && t.kind == kind) return t.due_us;
  return -1;
}

TEST(EngineDurations, DefaultsAreTheProductionValues) {
  const EngineDurations d;
  EXPECT_EQ(d.resume_after, kSecond * 60);
  EXPECT_EQ(d.timer_lease, kSecond * 60);
  EXPECT_EQ(d.payment_lease, kSecond * 300);
  EXPECT_EQ(d.tweet_lease, kSecond * 300);
  EXPECT_EQ(d.claim_stale, kSecond * 60);
  EXPECT_EQ(d.tx_valid, kSecond * 120);
  EXPECT_EQ(d.rule_end_grace, kSecond * 600);
}

TEST(EngineDurations, PublishArmsItsResumeTimerResumeAfterFromNow) {
  EngineHarness h;
  h.options.durations.resume_after = kSecond * 7;
  h.start_engine();
  const auto c = h.engine->create(h.spec());
  ASSERT_TRUE(c.ok) << c.reason;
  const std::int64_t now_us = to_us(h.scheduler.now());
  ASSERT_TRUE(h.engine->publish(c.id, "alice").ok);
  EXPECT_EQ(due_of(h, c.id, "resume"), now_us + to_us(kSecond * 7));
}

// The resume timer re-arms itself on every firing while its step is still running
// (here a slow X answer), so a stalled step is retried every resume_after.
TEST(EngineDurations, TheResumeTimerReArmsItselfEveryResumeAfterWhileAStepRuns) {
  EngineHarness h;
  h.options.durations.resume_after = kSecond * 7;
  h.social.latency = kSecond * 30;
  h.start_engine();
  const auto c = h.engine->create(h.spec());
  ASSERT_TRUE(c.ok);
  const std::int64_t t0_us = to_us(h.scheduler.now());
  ASSERT_TRUE(h.engine->publish(c.id, "alice").ok);
  h.run_for(kSecond * 8);
  ASSERT_EQ(h.state(c.id), "PUBLISHING");
  EXPECT_EQ(due_of(h, c.id, "resume"), t0_us + to_us(kSecond * 14));
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.social.tweets.size(), 2u) << "a re-fired step must not tweet twice";
  h.check_money();
}

// While a tweet step waits on X, its lease runs tweet_lease from the last renewal.
TEST(EngineDurations, ATweetStepHoldsItsLeaseForTweetLease) {
  EngineHarness h;
  h.options.durations.tweet_lease = kSecond * 5;
  h.social.latency = kSecond * 30;
  h.start_engine();
  const auto c = h.engine->create(h.spec());
  ASSERT_TRUE(c.ok);
  ASSERT_TRUE(h.engine->publish(c.id, "alice").ok);
  h.run_for(kSecond * 2);
  SqliteDb db(h.db_path, "", false);
  auto& q = db.prepare("SELECT owner, until_us FROM leases WHERE key = ?");
  q.bind(1, tweet_lease_key(c.id, 1));
  ASSERT_TRUE(q.step()) << "the first tweet's post is in flight under its lease";
  EXPECT_EQ(q.text_at(0), h.options.name);
  const std::int64_t until_us = q.int_at(1);
  q.reset();
  EXPECT_GT(until_us, to_us(h.scheduler.now()));
  EXPECT_LE(until_us, to_us(h.scheduler.now()) + to_us(kSecond * 5));
}

TEST(EngineDurations, LedgerTransactionsCarryTheConfiguredValidDuration) {
  EngineHarness h;
  h.options.durations.tx_valid = kSecond * 30;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  ASSERT_EQ(h.state(id), "RUNNING");
  ASSERT_FALSE(h.ledger.submitted.empty());
  for (const auto& tx : h.ledger.submitted) EXPECT_EQ(tx.valid_duration, kSecond * 30) << tx.memo;
}

}  // namespace
}  // namespace clsim::engine::testing
