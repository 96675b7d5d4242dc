// Pure domain rules: the transition table, reward arithmetic, text length.
#include <set>

#include <gtest/gtest.h>

#include "engine/domain/rewards.hpp"
#include "engine/domain/transitions.hpp"
#include "engine/domain/validation.hpp"

namespace clsim::engine {
namespace {

using S = CampaignState;
constexpr S kStates[] = {S::CREATED, S::PUBLISHING, S::RUNNING, S::CLOSED, S::REWARD_CLAIM, S::EXPIRED, S::FAILED};

TEST(TransitionTable, AllowsExactlyTheDocumentedMoves) {
  const std::set<std::pair<S, S>> expected = {{S::CREATED, S::PUBLISHING}, {S::PUBLISHING, S::RUNNING},
                                              {S::PUBLISHING, S::FAILED},  {S::RUNNING, S::CLOSED},
                                              {S::CLOSED, S::REWARD_CLAIM}, {S::REWARD_CLAIM, S::EXPIRED}};
  int allowed = 0;
  for (auto from : kStates)
    for (auto to : kStates) {
      EXPECT_EQ(transition_allowed(from, to), expected.count({from, to}) == 1) << to_string(from) << "->" << to_string(to);
      allowed += transition_allowed(from, to);
    }
  EXPECT_EQ(allowed, 6);
}

TEST(TransitionTable, TerminalStatesHaveNoWayOut) {
  for (auto to : kStates) {
    EXPECT_FALSE(transition_allowed(S::EXPIRED, to));
    EXPECT_FALSE(transition_allowed(S::FAILED, to));
  }
  EXPECT_TRUE(is_terminal(S::EXPIRED));
  EXPECT_FALSE(is_terminal(S::REWARD_CLAIM));
}

TEST(TransitionTable, StateNamesRoundTrip) {
  for (auto s : kStates) EXPECT_EQ(campaign_state_from(to_string(s)), s);
  EXPECT_FALSE(campaign_state_from("ACTIVE"));
}

const Rates kRates{Money(100), Money(300), Money(500), Money(200)};

TEST(Rewards, NoEngagementsRefundsTheWholeBudget) {
  auto plan = compute_rewards(Money(1000), kRates, {});
  EXPECT_TRUE(plan.rewards.empty());
  EXPECT_EQ(plan.total, Money(0));
  EXPECT_EQ(plan.refund, Money(1000));
}

TEST(Rewards, ExactFitPaysEveryoneInFullWithNothingLeft) {
  auto plan = compute_rewards(Money(600), kRates,
                              {{"u-2", EngagementKind::like}, {"u-1", EngagementKind::like},
                               {"u-1", EngagementKind::retweet}, {"u-1", EngagementKind::like}});
  ASSERT_EQ(plan.rewards.size(), 2u);
  EXPECT_EQ(plan.rewards[0].user, "u-1");
  EXPECT_EQ(plan.rewards[0].amount, Money(400));  // the repeated like counts once
  EXPECT_EQ(plan.rewards[1].amount, Money(100));
  EXPECT_EQ(plan.total, Money(500));
  EXPECT_EQ(plan.refund, Money(100));
  auto exact = compute_rewards(Money(500), kRates,
                               {{"u-1", EngagementKind::like}, {"u-1", EngagementKind::retweet},
                                {"u-2", EngagementKind::like}});
  EXPECT_EQ(exact.total, Money(500));
  EXPECT_EQ(exact.refund, Money(0));
}

TEST(Rewards, OverBudgetScalesProRataRoundingDownAndRefundsTheDust) {
  // Three likes of 100 = 300 against a budget of 200: each gets floor(100 * 200 / 300) = 66.
  auto plan = compute_rewards(Money(200), kRates,
                              {{"u-1", EngagementKind::like}, {"u-2", EngagementKind::like},
                               {"u-3", EngagementKind::like}});
  ASSERT_EQ(plan.rewards.size(), 3u);
  for (const auto& r : plan.rewards) EXPECT_EQ(r.amount, Money(66));
  EXPECT_EQ(plan.total, Money(198));
  EXPECT_EQ(plan.refund, Money(2));
}

TEST(Rewards, OneEngagementWorthMoreThanTheBudgetGetsTheWholeBudget) {
  auto plan = compute_rewards(Money(300), kRates, {{"u-1", EngagementKind::quote}});
  ASSERT_EQ(plan.rewards.size(), 1u);
  EXPECT_EQ(plan.rewards[0].amount, Money(300));
  EXPECT_EQ(plan.refund, Money(0));
}

TEST(Rewards, HugeNumbersDoNotOverflow) {
  const Rates big{Money(4'000'000'000'000'000'000), Money(0), Money(0), Money(0)};
  auto plan = compute_rewards(Money(9'000'000'000'000'000'000), big,
                              {{"u-1", EngagementKind::like}, {"u-2", EngagementKind::like},
                               {"u-3", EngagementKind::like}});
  EXPECT_EQ(plan.rewards[0].amount, Money(3'000'000'000'000'000'000));
  EXPECT_EQ(plan.total + plan.refund, Money(9'000'000'000'000'000'000));
}

TEST(Rewards, ZeroRateEngagementsEarnNothingAndAreLeftOut) {
  const Rates likes_only{Money(10), Money(0), Money(0), Money(0)};
  auto plan = compute_rewards(Money(100), likes_only, {{"u-1", EngagementKind::reply}, {"u-2", EngagementKind::like}});
  ASSERT_EQ(plan.rewards.size(), 1u);
  EXPECT_EQ(plan.rewards[0].user, "u-2");
}

TEST(TextLength, CountsUnicodeCodePointsNotBytes) {
  std::string e_acute_280, e_acute_281;
  for (int i = 0; i < 280; ++i) e_acute_280 += "\xC3\xA9";
  e_acute_281 = e_acute_280 + "\xC3\xA9";
  EXPECT_EQ(utf8_code_points(e_acute_280), 280u);
  EXPECT_EQ(validate_text(e_acute_280), "");
  EXPECT_EQ(validate_text(e_acute_281), "text must be at most 280 characters");
  EXPECT_EQ(validate_text("\xF0\x9F\x98\x80"), "");                 // one emoji, four bytes
  EXPECT_EQ(validate_text("\xC3"), "text must be valid UTF-8");      // truncated sequence
  EXPECT_EQ(validate_text("\xC0\xAF"), "text must be valid UTF-8");  // overlong
  EXPECT_EQ(utf8_prefix("h\xC3\xA9llo", 2), "h\xC3\xA9");
}

}  // namespace
}  // namespace clsim::engine
