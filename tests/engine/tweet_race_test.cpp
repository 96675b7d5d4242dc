// Two engines on one store race the publish saga's tweet steps: every engine's
// resume timer fires and both relays publish the step's message, so both start the
// same step while the first post's answer is still on its way. The step's lease
// lets one engine post; the other stands back until the step is done (or the
// holder's lease expires after a crash) and X's duplicate-content refusal is never
// what saves the campaign from a second tweet.
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

// A second engine sharing the harness's store, X and ledger, as a standby in a
// deployment would: its own clock (owner 2), random stream, name and bus connection.
struct SecondEngine {
  explicit SecondEngine(EngineHarness& h) : h_(h), clock(h.scheduler, 2), bus(clock) {
    options = h.options;
    options.name = "engine-2";
    start();
  }
  ~SecondEngine() { crash(); }
  void start() {
    engine = std::make_unique<Engine>(
        EnginePorts{clock, random, h_.hooks, h_.social, h_.ledger, bus, h_.notifier, h_.storage}, options);
    engine->start();
  }
  void crash() {
    engine.reset();
    bus.drop_consumer();
    h_.scheduler.crash_owner(2);
  }

  EngineHarness& h_;
  sim::SimClock clock;
  sim::Prng random = sim::Prng::stream(2, "engine-2");
  FakeBus bus;
  EngineOptions options;
  std::unique_ptr<Engine> engine;
};

std::vector<std::string> publish_some(EngineHarness& h, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    auto s = h.spec();
    s.text = "Campaign " + std::to_string(i + 1);
    auto c = h.engine->create(s);
    EXPECT_TRUE(c.ok) << c.reason;
    EXPECT_TRUE(h.engine->publish(c.id, s.owner).ok);
    ids.push_back(c.id);
  }
  return ids;
}

TEST(TweetLease, TwoEnginesRacingTheTweetStepsPostEachTweetOnce) {
  EngineHarness h;
  // The deliberate bug takes away the search before a repeat and X's duplicate
  // refusal: only the lease stands between the race and a second tweet.
  h.options.mutations.skip_duplicate_tweet_check = true;
  h.social.latency = kSecond * 90;  // the post's answer comes after a resume timer fired
  h.start_engine();
  SecondEngine second(h);
  const auto ids = publish_some(h, 4);
  h.run_for(kMinute * 30);
  for (const auto& id : ids) {
    EXPECT_EQ(h.state(id), "RUNNING") << id;
    EXPECT_EQ(h.social.tweets_with("[" + id + "/1]"), 1) << id << ": first tweet posted more than once";
    EXPECT_EQ(h.social.tweets_with("[" + id + "/2]"), 1) << id << ": second tweet posted more than once";
  }
  EXPECT_GE(h.hooks.marks["tweet_lease_held_elsewhere"], 1) << "the engines never raced a tweet step";
  EXPECT_TRUE(h.hooks.assertions.empty()) << h.hooks.assertions.front();
}

TEST(TweetLease, ACrashedHoldersStepIsTakenOverAfterTheLeaseExpiresWithoutASecondTweet) {
  EngineHarness h;
  h.hooks.crash_at("after_first_tweet");  // engine-1 posts, then dies before recording it
  h.restart_after = kHour * 2;           // and stays down longer than its lease
  h.start_engine();
  SecondEngine second(h);
  auto s = h.spec();
  s.claim_window = kHour * 4;
  const auto c = h.engine->create(s);
  ASSERT_TRUE(h.engine->publish(c.id, s.owner).ok);
  h.run_for(kMinute * 4);
  ASSERT_EQ(h.crashes.size(), 1u);
  EXPECT_EQ(h.state(c.id), "PUBLISHING") << "engine-2 waits while engine-1's lease lasts";
  EXPECT_GE(h.hooks.marks["tweet_lease_held_elsewhere"], 1);
  h.run_for(kMinute * 10);  // the 300 s lease has expired: engine-2 searches, finds, goes on
  EXPECT_EQ(h.state(c.id), "RUNNING");
  EXPECT_EQ(h.social.tweets_with("[" + c.id + "/1]"), 1);
  EXPECT_EQ(h.social.tweets_with("[" + c.id + "/2]"), 1);
  EXPECT_GE(h.hooks.marks["duplicate_tweet_prevented"], 1) << "the takeover looked the marker up";
  EXPECT_TRUE(h.hooks.assertions.empty()) << h.hooks.assertions.front();
}

}  // namespace
}  // namespace clsim::engine::testing
