// Batched customer event intake on the simulated disk: a batch is one transaction
// (one WAL sync acknowledges every event in it), answers each event in order, and
// is refused whole when the store cannot take it; downstream, each stage of the
// rule path group-commits what reaches it together.
#include <gtest/gtest.h>

#include "sim/world/simulation.hpp"

namespace clsim::sim {
namespace {

// A world with one engine and one active rule campaign, a minute in.
std::unique_ptr<Simulation> shop() {
  WorldConfig cfg;
  cfg.world = {{"accounts", {{"shop", 1'000'000}}}};
  auto sim = std::make_unique<Simulation>(cfg, "rule_intake_batch_test");
  engine::RuleCampaignSpec spec{std::nullopt, "shop", engine::Money(100'000), engine::Duration(86'400'000'000),
                                {engine::Rule{"purchase", {engine::RuleCondition{"amount", ">", 50}}, engine::Money(10)}}};
  const auto r = sim->create_rule_campaign(spec);
  EXPECT_TRUE(r.ok) << r.reason;
  sim->world().run_for(engine::Duration(60'000'000));
  return sim;
}

engine::CustomerEvent purchase(int n) {
  return engine::CustomerEvent{"e-" + std::to_string(n), "purchase", "u" + std::to_string(n % 7), {{"amount", 75}}};
}

std::uint64_t wal_syncs(Simulation& sim) {
  const auto st = sim.disk().stats(Simulation::kDatabase + "-wal");
  return st ? st->syncs : 0;
}

TEST(RuleIntakeBatch, FiftyEventsAreAcknowledgedByOneWalSyncWhereSinglesTakeFifty) {
  auto sim = shop();
  ASSERT_TRUE(sim);
  std::vector<engine::CustomerEvent> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(purchase(i));
  const auto before = wal_syncs(*sim);
  const auto results = sim->host(1).engine().customer_events(batch);
  EXPECT_EQ(wal_syncs(*sim) - before, 1u);
  ASSERT_EQ(results.size(), 50u);
  for (const auto& r : results) EXPECT_TRUE(r.ok) << r.reason;

  const auto singles_before = wal_syncs(*sim);
  for (int i = 50; i < 100; ++i) ASSERT_TRUE(sim->host(1).engine().customer_event(purchase(i)).ok);
  EXPECT_EQ(wal_syncs(*sim) - singles_before, 50u);
  EXPECT_EQ(sim->reader().customer_events().size(), 100u);
}

// Relay, take and ids each commit the whole batch at once, and a payment's lease
// is held without a write and given up in the commit that records it (with the
// settlement): fifty events cost about one sync each, the one recording their
// payment (mock Hedera answers them at different moments), where each took seven
// or more (intake, relay, take, id, lease, release, paid, settled).
TEST(RuleIntakeBatch, FiftyEventsGoFromIntakeToSettledInAboutOneWalSyncEach) {
  auto sim = shop();
  ASSERT_TRUE(sim);
  std::vector<engine::CustomerEvent> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(purchase(i));
  const auto before = wal_syncs(*sim);
  for (const auto& r : sim->host(1).engine().customer_events(batch)) ASSERT_TRUE(r.ok) << r.reason;
  sim->world().run_for(engine::Duration(30'000'000));
  const auto events = sim->reader().customer_events();
  ASSERT_EQ(events.size(), 50u);
  for (const auto& e : events) EXPECT_EQ(e.status, "done") << e.event_id;
  EXPECT_LE(wal_syncs(*sim) - before, 50u + 6u);
}

TEST(RuleIntakeBatch, EachEventIsAnsweredInOrderWithRepeatsInTheBatchAsDuplicates) {
  auto sim = shop();
  ASSERT_TRUE(sim);
  const std::vector<engine::CustomerEvent> batch{purchase(1), engine::CustomerEvent{"e-2", "purchase", ""},
                                                 purchase(1), purchase(3)};
  const auto rs = sim->host(1).engine().customer_events(batch);
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_TRUE(rs[0].ok);
  EXPECT_EQ(rs[0].reason, "");
  EXPECT_FALSE(rs[1].ok);
  EXPECT_EQ(rs[1].refusal, engine::Refusal::invalid);
  EXPECT_TRUE(rs[2].ok);
  EXPECT_EQ(rs[2].reason, "duplicate event e-1 (already queued)");
  EXPECT_TRUE(rs[3].ok);
  std::vector<std::string> stored;
  for (const auto& e : sim->reader().customer_events()) stored.push_back(e.event_id);
  EXPECT_EQ(stored, (std::vector<std::string>{"e-1", "e-3"}));
}

TEST(RuleIntakeBatch, AStoreThatCannotTakeTheBatchRefusesEveryValidEventAndKeepsNone) {
  auto sim = shop();
  ASSERT_TRUE(sim);
  ASSERT_EQ(sim->merge_faults({{"disk", {{"full", true}}}}), "");
  const auto rs = sim->host(1).engine().customer_events({purchase(1), purchase(2), engine::CustomerEvent{"", "x", "u"}});
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].refusal, engine::Refusal::unavailable);
  EXPECT_EQ(rs[1].refusal, engine::Refusal::unavailable);
  EXPECT_EQ(rs[2].refusal, engine::Refusal::invalid);
  sim->heal();
  EXPECT_TRUE(sim->reader().customer_events().empty());
}

}  // namespace
}  // namespace clsim::sim
