// Rule campaigns through a real engine on the fake ledger and bus: matches are
// paid once, within budget; poison dead-letters at once; a busy ledger exhausts
// the retries, and a redrive pays from the stored id; the end refunds the rest.
#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace clsim::engine {
namespace {
using namespace testing;

RuleCampaignSpec shop_campaign(std::int64_t budget) {
  return RuleCampaignSpec{std::nullopt, "shop", Money(budget), kHour,
                          {Rule{"purchase", {RuleCondition{"amount", ">", 50}}, Money(10)}}};
}

CustomerEvent purchase(const std::string& id, const std::string& user, nlohmann::json amount) {
  return CustomerEvent{id, "purchase", user, {{"amount", amount}}};
}

TEST(RuleWorker, DuplicateEventIsMatchedAndPaidOnce) {
  EngineHarness h;
  h.start_engine();
  const auto r = h.engine->create_rule_campaign(shop_campaign(100));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.id, "r-1");
  EXPECT_TRUE(h.engine->customer_event(purchase("e-1", "bob", 75)).ok);
  const auto again = h.engine->customer_event(purchase("e-1", "bob", 75));
  EXPECT_TRUE(again.ok);
  EXPECT_NE(again.reason.find("duplicate"), std::string::npos);
  h.run_for(kMinute * 5);
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:r-1:match:e-1"), 1);
  const auto m = h.reader().rule_matches("r-1");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].status, "paid");
  EXPECT_FALSE(m[0].trace_id.empty());
}

// An event's matches are paid one at a time, the first by campaign id first.
TEST(RuleWorker, AnEventMatchingTwoCampaignsPaysThemInCampaignIdOrder) {
  EngineHarness h;
  h.start_engine();
  ASSERT_TRUE(h.engine->create_rule_campaign(shop_campaign(100)).ok);
  ASSERT_TRUE(h.engine->create_rule_campaign(shop_campaign(100)).ok);
  h.run_for(kSecond * 30);  // both funded
  ASSERT_TRUE(h.engine->customer_event(purchase("e-1", "bob", 75)).ok);
  h.run_for(kMinute * 5);
  std::vector<std::string> paid;
  for (const auto& tx : h.ledger.submitted)
    if (tx.memo.find(":match:e-1") != std::string::npos) paid.push_back(tx.memo);
  EXPECT_EQ(paid, (std::vector<std::string>{"clsim:r-1:match:e-1", "clsim:r-2:match:e-1"}));
  for (const char* id : {"r-1", "r-2"}) EXPECT_EQ(h.reader().rule_matches(id).at(0).status, "paid") << id;
}

// Each campaign's rules are its own, parsed once and kept by their text.
TEST(RuleWorker, CampaignsWithDifferentRulesEachMatchByTheirOwn) {
  EngineHarness h;
  h.start_engine();
  ASSERT_TRUE(h.engine->create_rule_campaign(shop_campaign(100)).ok);  // over 50 earns 10
  RuleCampaignSpec big = shop_campaign(100);
  big.rules = {Rule{"purchase", {RuleCondition{"amount", ">", 100}}, Money(20)}};
  ASSERT_TRUE(h.engine->create_rule_campaign(big).ok);
  h.run_for(kSecond * 30);
  ASSERT_TRUE(h.engine->customer_event(purchase("e-1", "bob", 75)).ok);
  ASSERT_TRUE(h.engine->customer_event(purchase("e-2", "ann", 150)).ok);
  h.run_for(kMinute * 5);
  const auto small_matches = h.reader().rule_matches("r-1"), big_matches = h.reader().rule_matches("r-2");
  ASSERT_EQ(small_matches.size(), 2u);
  ASSERT_EQ(big_matches.size(), 1u);
  EXPECT_EQ(big_matches[0].event_id, "e-2");
  EXPECT_EQ(big_matches[0].reward.minor, 20);
}

TEST(RuleWorker, InvalidIntakeQueuesNothing) {
  EngineHarness h;
  h.start_engine();
  EXPECT_FALSE(h.engine->customer_event(CustomerEvent{"", "purchase", "bob"}).ok);
  EXPECT_FALSE(h.engine->customer_event(CustomerEvent{"e-1", "purchase", ""}).ok);
  EXPECT_TRUE(h.reader().customer_events().empty());
  EXPECT_EQ(h.engine->health().outbox_backlog, 0);
}

TEST(RuleWorker, PoisonEventIsDeadLetteredAtOnceWithoutPayment) {
  EngineHarness h;
  h.start_engine();
  ASSERT_TRUE(h.engine->create_rule_campaign(shop_campaign(100)).ok);
  ASSERT_TRUE(h.engine->customer_event(purchase("p-1", "eve", "lots")).ok);
  h.run_for(kMinute);
  const auto dl = h.reader().dead_letters();
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].reason, "poison");
  EXPECT_EQ(dl[0].attempts, 1);
  EXPECT_NE(dl[0].message.find("amount"), std::string::npos);
  EXPECT_TRUE(h.reader().rule_matches("r-1").empty());
}

TEST(RuleWorker, OverBudgetMatchIsUnpaidAndEndRefundsTheRest) {
  EngineHarness h;
  h.start_engine();
  ASSERT_TRUE(h.engine->create_rule_campaign(shop_campaign(25)).ok);
  for (int i = 1; i <= 3; ++i) h.engine->customer_event(purchase("e-" + std::to_string(i), "u" + std::to_string(i), 60));
  h.run_until_quiet(kHour * 3);
  int paid = 0, unpaid = 0;
  for (const auto& m : h.reader().rule_matches("r-1")) {
    if (m.status == "paid") ++paid;
    if (m.status == "unpaid") {
      ++unpaid;
      EXPECT_NE(m.reason.find("over budget"), std::string::npos);
    }
  }
  EXPECT_EQ(paid, 2);
  EXPECT_EQ(unpaid, 1);
  const auto rc = h.reader().rule_campaigns();
  ASSERT_EQ(rc.size(), 1u);
  EXPECT_EQ(rc[0].state, "ENDED");
  EXPECT_EQ(rc[0].refunded, Money(5));
  EXPECT_EQ(h.ledger.balance("escrow:r-1"), 0);
}

TEST(RuleWorker, BusyLedgerExhaustsRetriesThenRedrivePaysOnce) {
  EngineHarness h;
  h.options.rule_retry = RuleRetryPolicy{kSecond, 2, kSecond * 8, 3};
  h.start_engine();
  ASSERT_TRUE(h.engine->create_rule_campaign(shop_campaign(100)).ok);
  h.run_for(kSecond * 30);  // funded
  for (int i = 0; i < 200; ++i) h.ledger.precheck_faults.push_back(LedgerStatus::BUSY);
  ASSERT_TRUE(h.engine->customer_event(purchase("e-1", "bob", 99)).ok);
  h.run_for(kMinute * 20);
  auto dl = h.reader().dead_letters();
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].reason, "retries_exhausted");
  EXPECT_EQ(dl[0].attempts, 3);
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:r-1:match:e-1"), 0);
  h.ledger.precheck_faults.clear();
  EXPECT_FALSE(h.engine->redrive("e-9").ok);
  EXPECT_TRUE(h.engine->redrive("e-1").ok);
  h.run_for(kMinute * 10);
  EXPECT_TRUE(h.reader().dead_letters().empty());
  EXPECT_EQ(h.ledger.executed_with_memo("clsim:r-1:match:e-1"), 1);
  EXPECT_EQ(h.reader().rule_matches("r-1").at(0).status, "paid");
}

}  // namespace
}  // namespace clsim::engine
