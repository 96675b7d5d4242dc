// A production engine's own capture sink writes what `clsim replay` reads: the
// log an engine appends (outside any simulation) parses strictly and replays to
// the same end in a simulated world.
#include <gtest/gtest.h>

#include <sstream>

#include "bench/engine_rig.hpp"
#include "engine/adapters/jsonl_capture.hpp"
#include "engine/queries.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::sim {
namespace {

TEST(EngineCaptureReplay, AnEnginesOwnLogParsesStrictlyAndReplaysToTheSameEnd) {
  std::ostringstream log;
  engine::JsonlCaptureWriter writer(log);
  std::string id;
  {
    bench::EngineRig rig(bench::DiskKind::sim_disk);
    rig.options.capture = &writer;
    rig.start();
    id = rig.publish_campaign("alice", 100'000, bench::kHour);
    rig.run_for(bench::kHour * 2);
    EXPECT_FALSE(rig.engine->update(id, engine::CampaignUpdate{.text = "late"}, "alice").ok);
    rig.run_for(bench::kHour * 2);
  }
  const std::string text = log.str();
  ASSERT_NE(text.find("campaign:create:v1:requested"), std::string::npos);
  ASSERT_NE(text.find("campaign:close:v1:success"), std::string::npos) << text;

  // Strict: an unknown type or a bad field would throw here.
  const EventLog parsed = parse_event_log(text, "engine.jsonl", false);
  ReplayOptions options;
  options.identity = text;
  auto result = replay_log(parsed, options);
  ASSERT_TRUE(result.sim);
  EXPECT_EQ(result.exit_code, 0) << result.error;
  // The late update was refused in production and is refused again.
  ASSERT_EQ(result.refusals.size(), 1u);
  EXPECT_EQ(result.refusals[0].type, "campaign:update:v1:requested");
  EXPECT_NE(result.refusals[0].reason.find("(refused live too)"), std::string::npos) << result.refusals[0].reason;
  EXPECT_NE(text.find("\"refusal\":\"conflict\""), std::string::npos) << "the capture says how it was refused";
  const auto campaigns = result.sim->reader().campaigns();
  ASSERT_EQ(campaigns.size(), 1u);
  EXPECT_EQ(campaigns[0].id, id);
  EXPECT_EQ(campaigns[0].state, "EXPIRED");
  // Every recorded step happened in the replay too (times may differ: the mocks
  // have latency the production fakes lack).
  for (const auto& d : result.divergences) EXPECT_NE(d.kind, "missing") << d.type << " line " << d.line;
}

// What a live service's log holds beyond commands: the engagements its polls saw,
// rule campaigns and a redrive. Replayed, the same users are rewarded the same
// amounts and the same events matched.
TEST(EngineCaptureReplay, ObservedEngagementsRuleCampaignsAndRedrivesReplayToTheSameRewardsAndMatches) {
  std::ostringstream log;
  engine::JsonlCaptureWriter writer(log);
  std::string id;
  std::vector<engine::RewardView> live_rewards;
  std::vector<engine::RuleMatchRecord> live_matches;
  {
    bench::EngineRig rig(bench::DiskKind::sim_disk);
    rig.options.capture = &writer;
    rig.options.poll_interval = engine::Duration(60'000'000);
    rig.start();
    id = rig.publish_campaign("alice", 100'000, bench::kHour);
    rig.run_for(engine::Duration(600'000'000));
    ASSERT_FALSE(rig.social.tweets.empty());
    const std::string first = rig.social.tweets.front().tweet.id;
    rig.social.engage(first, "u-1", engine::EngagementKind::like);
    rig.social.engage(first, "u-2", engine::EngagementKind::retweet);
    rig.social.engage(first, "u-2", engine::EngagementKind::like);

    engine::RuleCampaignSpec rc;
    rc.id = "r-1";
    rc.owner = "shop";
    rc.budget = engine::Money(1000);
    rc.duration = bench::kHour;
    rc.rules = {engine::Rule{"purchase", {engine::RuleCondition{"amount", ">", 50}}, engine::Money(10)}};
    ASSERT_TRUE(rig.engine->create_rule_campaign(rc).ok);
    rig.run_for(engine::Duration(60'000'000));
    ASSERT_TRUE(rig.engine->customer_event({"e-1", "purchase", "bob", {{"amount", 75}}}).ok);
    ASSERT_TRUE(rig.engine->customer_event({"e-2", "purchase", "carol", {{"amount", "lots"}}}).ok);
    rig.run_for(engine::Duration(60'000'000));
    EXPECT_TRUE(rig.engine->redrive("e-2").ok);
    rig.run_for(bench::kHour * 3);
    engine::StoreReader reader(rig.storage());
    live_rewards = reader.rewards(id);
    live_matches = reader.rule_matches("r-1");
  }
  const std::string text = log.str();
  EXPECT_NE(text.find("twitter:engagement:v1:observed"), std::string::npos);
  EXPECT_NE(text.find("rule_campaign:create:v1:requested"), std::string::npos);
  EXPECT_NE(text.find("customer:redrive:v1:requested"), std::string::npos);
  ASSERT_EQ(live_rewards.size(), 2u) << text;

  const EventLog parsed = parse_event_log(text, "engine.jsonl", false);
  ReplayOptions options;
  options.identity = text;
  auto result = replay_log(parsed, options);
  ASSERT_TRUE(result.sim);
  EXPECT_EQ(result.exit_code, 0) << result.error;
  const auto replayed = result.sim->reader().rewards(id);
  ASSERT_EQ(replayed.size(), live_rewards.size());
  for (std::size_t i = 0; i < replayed.size(); ++i) {
    EXPECT_EQ(replayed[i].user, live_rewards[i].user);
    EXPECT_EQ(replayed[i].amount, live_rewards[i].amount);
    EXPECT_EQ(replayed[i].status, live_rewards[i].status);
  }
  const auto matches = result.sim->reader().rule_matches("r-1");
  ASSERT_EQ(matches.size(), live_matches.size());
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].event_id, "e-1");
  EXPECT_EQ(matches[0].status, "paid");
  // The redriven poison event is poison again, in both worlds.
  const auto dead = result.sim->reader().dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].event_id, "e-2");
}

}  // namespace
}  // namespace clsim::sim
