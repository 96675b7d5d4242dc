// Rule campaign rules: validation names the rule and field, evaluation matches,
// misses and tells poison apart, and the retry backoff grows within its cap.
#include <gtest/gtest.h>

#include "engine/rules/rule_backoff.hpp"
#include "engine/rules/rule_eval.hpp"

namespace clsim::engine {
namespace {

Rule purchase_over(double amount, std::int64_t reward) {
  return Rule{"purchase", {RuleCondition{"amount", ">", amount}}, Money(reward)};
}

RuleCampaignSpec spec_with(std::vector<Rule> rules) {
  return RuleCampaignSpec{std::nullopt, "shop", Money(1000), Duration(3'600'000'000), std::move(rules)};
}

TEST(RuleValidation, ValidSpecPasses) { EXPECT_EQ(validate_rule_spec(spec_with({purchase_over(50, 10)})), ""); }

TEST(RuleValidation, ErrorNamesRuleIndexAndField) {
  Rule bad{"purchase", {RuleCondition{"cart.total", ">", "fifty"}}, Money(10)};
  const std::string why = validate_rule_spec(spec_with({purchase_over(50, 10), bad}));
  EXPECT_NE(why.find("rules[2]"), std::string::npos) << why;
  EXPECT_NE(why.find("cart.total"), std::string::npos) << why;
}

TEST(RuleValidation, UnknownOpAndListlessInAreRefused) {
  EXPECT_NE(validate_rule_spec(spec_with({Rule{"x", {RuleCondition{"a", "~", 1}}, Money(1)}})), "");
  EXPECT_NE(validate_rule_spec(spec_with({Rule{"x", {RuleCondition{"a", "in", 1}}, Money(1)}})), "");
  EXPECT_NE(validate_rule_spec(spec_with({Rule{"", {}, Money(1)}})), "");
  EXPECT_NE(validate_rule_spec(spec_with({Rule{"x", {}, Money(0)}})), "");
}

TEST(CustomerEventValidation, MissingIdTypeOrUserIsRefused) {
  EXPECT_EQ(validate_customer_event(CustomerEvent{"e-1", "signup", "bob"}), "");
  EXPECT_NE(validate_customer_event(CustomerEvent{"", "signup", "bob"}).find("id"), std::string::npos);
  EXPECT_NE(validate_customer_event(CustomerEvent{"e-1", "", "bob"}).find("type"), std::string::npos);
  EXPECT_NE(validate_customer_event(CustomerEvent{"e-1", "signup", ""}).find("user"), std::string::npos);
}

TEST(RuleEvaluation, FirstMatchingRuleGivesItsReward) {
  const std::vector<Rule> rules = {purchase_over(100, 20), purchase_over(50, 10)};
  const auto v = evaluate_rules(rules, "purchase", {{"amount", 75}});
  EXPECT_TRUE(v.matched);
  EXPECT_EQ(v.rule_index, 2);
  EXPECT_EQ(v.reward, Money(10));
  EXPECT_FALSE(evaluate_rules(rules, "purchase", {{"amount", 50}}).matched);
  EXPECT_FALSE(evaluate_rules(rules, "signup", {{"amount", 500}}).matched);
}

TEST(RuleEvaluation, DotPathsContainsAndIn) {
  const std::vector<Rule> rules = {Rule{"purchase",
                                        {RuleCondition{"cart.total", ">=", 10}, RuleCondition{"tags", "contains", "vip"},
                                         RuleCondition{"country", "in", nlohmann::json::array({"DE", "FR"})},
                                         RuleCondition{"coupon", "!=", "FREE"}},
                                        Money(7)}};
  nlohmann::json p = {{"cart", {{"total", 10}}}, {"tags", {"new", "vip"}}, {"country", "FR"}, {"coupon", "X"}};
  EXPECT_TRUE(evaluate_rules(rules, "purchase", p).matched);
  p["country"] = "US";
  EXPECT_FALSE(evaluate_rules(rules, "purchase", p).matched);
}

TEST(RuleEvaluation, MissingFieldIsNoMatchNotPoison) {
  const auto v = evaluate_rules({purchase_over(50, 10)}, "purchase", nlohmann::json::object());
  EXPECT_FALSE(v.matched);
  EXPECT_EQ(v.poison, "");
}

TEST(RuleEvaluation, TextWhereNumberComparedIsPoisonNamingField) {
  const auto v = evaluate_rules({purchase_over(50, 10)}, "purchase", {{"amount", "lots"}});
  EXPECT_FALSE(v.matched);
  EXPECT_NE(v.poison.find("amount"), std::string::npos) << v.poison;
  EXPECT_NE(v.poison.find("rule 1"), std::string::npos) << v.poison;
}

TEST(RuleEvaluation, RulesSurviveJsonRoundTrip) {
  const std::vector<Rule> rules = {purchase_over(50, 10), Rule{"signup", {}, Money(5)}};
  const auto back = rules_from_json(nlohmann::json::parse(rules_to_json(rules).dump()));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].when.at(0).op, ">");
  EXPECT_EQ(back[1].reward, Money(5));
  EXPECT_TRUE(evaluate_rules(back, "purchase", {{"amount", 51}}).matched);
}

struct CountingRandom final : Random {
  std::uint64_t n = 0;
  std::uint64_t next_u64() override { return n += 0x9E3779B97F4A7C15ULL; }
};

TEST(RuleBackoff, GrowsByFactorWithinJitterAndCap) {
  CountingRandom r;
  const RuleRetryPolicy p{Duration(1000), 3, Duration(20000), 6};
  for (int attempt = 1; attempt <= 6; ++attempt) {
    std::int64_t d = 1000;
    for (int i = 1; i < attempt; ++i) d *= 3;
    d = std::min<std::int64_t>(d, 20000);
    for (int k = 0; k < 20; ++k) {
      const auto w = rule_backoff(r, p, attempt).count();
      EXPECT_GE(w, d / 2);
      EXPECT_LE(w, d);
    }
  }
}

}  // namespace
}  // namespace clsim::engine
