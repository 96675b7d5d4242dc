// The engine on a clock that moves within a handler, as a real one does: every
// path of a campaign's life, a claim and a rule campaign run without an engine
// assertion. Virtual time stands still inside a handler, so only this catches
// code that reads now() twice and expects one answer (the live service once
// failed "a transaction id's valid start is in the past" that way).
#include "engine_harness.hpp"
#include "fakes/moving_clock.hpp"

namespace clsim::engine::testing {
namespace {

TEST(MovingClock, CampaignClaimAndRuleCampaignRunWithoutAssertionsWhenTimeMovesWithinAHandler) {
  EngineHarness h;
  MovingClock moving(h.engine_clock);
  h.clock = &moving;
  h.start_engine();
  const std::string id = h.running_campaign(h.spec());
  ASSERT_EQ(h.state(id), "RUNNING") << (h.hooks.assertions.empty() ? "" : h.hooks.assertions.front());
  auto rec = h.reader().campaign(id);
  h.social.engage(*rec->first_tweet_id, "u-1", EngagementKind::like);
  h.social.engage(*rec->first_tweet_id, "u-2", EngagementKind::retweet);

  RuleCampaignSpec rc;
  rc.owner = "shop";
  rc.budget = Money(100);
  rc.duration = kHour;
  rc.rules = {Rule{"purchase", {}, Money(10)}};
  ASSERT_TRUE(h.engine->create_rule_campaign(rc).ok);
  h.run_for(kMinute);
  ASSERT_TRUE(h.engine->customer_event({"e-1", "purchase", "bob", nlohmann::json::object()}).ok);
  h.run_for(kHour + kMinute * 5);
  ASSERT_EQ(h.state(id), "REWARD_CLAIM");
  ASSERT_TRUE(h.engine->claim(id, "u-1").ok);
  h.run_until_quiet();
  EXPECT_EQ(h.state(id), "EXPIRED");
  h.check_money();
  EXPECT_TRUE(h.hooks.assertions.empty()) << h.hooks.assertions.front();
}

}  // namespace
}  // namespace clsim::engine::testing
