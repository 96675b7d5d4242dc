// Outbox relay and inbox: at-least-once publishing, duplicate deliveries that
// change nothing, publishes retried after the bus refuses them.
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

TEST(Inbox, DuplicatedDeliveriesRunEachStepOnce) {
  EngineHarness h;
  h.bus.duplicate_next_deliveries = 100;
  h.start_engine();
  const auto id = h.engine->create(h.spec()).id;
  ASSERT_TRUE(h.engine->publish(id, "alice").ok);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  EXPECT_EQ(h.social.tweets_with("[" + id + "/1]"), 1);
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:" + id + ":escrow"), 1);
  EXPECT_GE(h.hooks.marks["inbox_duplicate_dropped"] + h.hooks.marks["step_already_in_flight"], 4);
  EXPECT_EQ(h.bus.pending(), 0u);
  h.check_money();
}

TEST(Inbox, RedeliveryOfAProcessedMessageIsAckedAndIgnored) {
  EngineHarness h;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  const int acks = h.bus.acks;
  for (const auto& e : h.bus.entries) h.bus.redeliver(e.entry_id);
  h.run_for(kSecond);
  EXPECT_EQ(h.bus.acks, acks + int(h.bus.entries.size()));
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:" + id + ":escrow"), 1);
  EXPECT_EQ(h.state(id), "RUNNING");
  ASSERT_TRUE(h.run_until_quiet());
  h.check_money();
}

TEST(Inbox, SkipInboxDedupMutationEscrowsTwiceOnARedelivery) {
  EngineHarness h;
  h.options.mutations.skip_inbox_dedup = true;
  h.start_engine();
  const auto id = h.running_campaign(h.spec());
  for (const auto& e : h.bus.entries)
    if (e.message.type == "campaign:contract:v1:requested") h.bus.redeliver(e.entry_id);
  h.run_for(kMinute);
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:" + id + ":escrow"), 2);  // the bug the harness must catch
}

TEST(Relay, RefusedPublishesAreRetriedInTheForeground) {
  EngineHarness h;
  h.bus.fail_next_publishes = 4;
  h.start_engine();
  const auto id = h.engine->create(h.spec()).id;
  ASSERT_TRUE(h.engine->publish(id, "alice").ok);
  h.run_for(Duration(200'000));
  EXPECT_FALSE(h.engine->health().bus_ok);
  EXPECT_GE(h.engine->health().outbox_backlog, 1);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  EXPECT_TRUE(h.engine->health().bus_ok);
  EXPECT_EQ(h.engine->health().outbox_backlog, 0);
  h.check_money();
}

std::vector<CustomerEvent> purchases(int n) {
  std::vector<CustomerEvent> evs;
  for (int i = 0; i < n; ++i) evs.push_back(CustomerEvent{"e-" + std::to_string(i), "purchase", "bob", {{"amount", 1}}});
  return evs;
}

std::vector<std::string> published_event_ids(const FakeBus& bus) {
  std::vector<std::string> ids;
  for (const auto& e : bus.entries) ids.push_back(e.message.event_id);
  return ids;
}

TEST(Relay, ABacklogGoesOutAsOnePipelineInOutboxOrder) {
  EngineHarness h;
  h.start_engine();
  h.run_for(kSecond);
  const int batches = h.bus.batches;
  for (const auto& r : h.engine->customer_events(purchases(10))) ASSERT_TRUE(r.ok) << r.reason;
  h.run_for(kSecond);
  EXPECT_EQ(h.bus.batches, batches + 1);
  std::vector<std::string> want;
  for (int i = 0; i < 10; ++i) want.push_back("customer:e-" + std::to_string(i) + ":requested");
  EXPECT_EQ(published_event_ids(h.bus), want);
  EXPECT_EQ(h.engine->health().outbox_backlog, 0);
}

TEST(Relay, ARefusedPipelineIsSentAgainWholeAndInOrder) {
  EngineHarness h;
  h.start_engine();
  h.run_for(kSecond);
  h.bus.fail_next_publishes = 1;
  for (const auto& r : h.engine->customer_events(purchases(5))) ASSERT_TRUE(r.ok) << r.reason;
  h.run_for(kMinute);
  std::vector<std::string> want;
  for (int i = 0; i < 5; ++i) want.push_back("customer:e-" + std::to_string(i) + ":requested");
  EXPECT_EQ(published_event_ids(h.bus), want);
  EXPECT_EQ(h.engine->health().outbox_backlog, 0);
  EXPECT_TRUE(h.engine->health().bus_ok);
}

TEST(Relay, CrashBetweenPublishAndMarkRepublishesAndTheConsumerDedupes) {
  EngineHarness h;
  h.hooks.crash_at("after_outbox_publish");
  h.start_engine();
  const auto id = h.engine->create(h.spec()).id;
  ASSERT_TRUE(h.engine->publish(id, "alice").ok);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.bus.count_type("campaign:first_tweet:v1:requested"), 2);
  EXPECT_EQ(h.social.tweets_with("[" + id + "/1]"), 1);
  EXPECT_EQ(h.state(id), "EXPIRED");
  h.check_money();
}

// Redis restarted empty: a published step message nobody consumed is gone with the
// stream. The bus reports the group it created again, and the engine sends what it
// has not consumed at once, long before the resume timer (60 s) would.
TEST(Relay, ALostStreamGetsItsUnconsumedRowsAgain) {
  EngineHarness h;
  h.bus.hold = true;
  h.start_engine();
  const auto id = h.engine->create(h.spec()).id;
  ASSERT_TRUE(h.engine->publish(id, "alice").ok);
  h.run_for(kSecond);
  ASSERT_EQ(h.engine->health().outbox_backlog, 0);  // published, still in the stream
  ASSERT_EQ(h.bus.count_type("campaign:first_tweet:v1:requested"), 1);
  h.bus.hold = false;
  h.bus.lose_streams();
  ASSERT_GE(h.bus.lost, 1u);
  for (int i = 0; i < 30 && h.state(id) != "RUNNING"; ++i) h.run_for(kSecond);
  EXPECT_EQ(h.state(id), "RUNNING") << "within 30 s: before the resume timer (60 s)";
  EXPECT_EQ(h.bus.count_type("campaign:first_tweet:v1:requested"), 2);
  ASSERT_TRUE(h.run_until_quiet());
  EXPECT_EQ(h.state(id), "EXPIRED");
  EXPECT_EQ(h.social.tweets_with("[" + id + "/1]"), 1);
  h.check_money();

  // Everything is consumed now: a second loss sends no step again.
  const auto published = h.bus.published_types.size();
  h.bus.lose_streams();
  h.run_for(kSecond);
  EXPECT_EQ(h.bus.published_types.size(), published);
}

}  // namespace
}  // namespace clsim::engine::testing
