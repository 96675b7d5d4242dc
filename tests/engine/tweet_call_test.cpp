// TweetCall and its step's lease: a call searches and posts only while it holds
// the lease, stops before its next outside call once the lease is gone, and a call
// site that binds no lease is an assertion before anything reaches X.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "engine/saga/tweet_call.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

struct TweetFixture {
  sim::Trace trace;
  sim::Scheduler scheduler{7, from_us(kDefaultStartUs), trace};
  sim::SimClock clock{scheduler, 1};
  sim::Prng random = sim::Prng::stream(7, "tweet_call_test");
  FakeHooks hooks;
  FakeSocial social{clock};
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  std::optional<TweetOutcome> outcome;
  std::int64_t persisted = 0;

  TweetCallSpec spec(std::int64_t prior_attempts) {
    TweetCallSpec s;
    s.account = "alice";
    s.marker = "[c-1/1]";
    s.text = tweet_text_with_marker("Like and retweet", s.marker);
    s.prior_attempts = prior_attempts;
    s.label = "c-1:first_tweet";
    s.persist_attempts = [this](std::int64_t attempts) {
      persisted = attempts;
      return true;
    };
    s.hold = [] { return true; };  // this engine holds the step's lease
    s.done = [this](const TweetOutcome& o) { outcome = o; };
    return s;
  }
  void start(TweetCallSpec s) {
    TweetCall::start(CallEnv{clock, random, hooks, RetryPolicy{}, alive}, social, std::move(s));
  }
  void run() { scheduler.run_until_quiet(scheduler.now() + kHour); }
};

TEST(TweetCall, PostsOnceUnderItsLease) {
  TweetFixture f;
  int holds = 0;
  auto s = f.spec(0);
  s.hold = [&] { return ++holds > 0; };
  f.start(std::move(s));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_TRUE(f.outcome->success);
  EXPECT_FALSE(f.outcome->abandoned);
  EXPECT_EQ(f.social.tweets_with("[c-1/1]"), 1);
  EXPECT_EQ(holds, 1) << "the lease is taken (renewed) before the post";
  EXPECT_EQ(f.persisted, 1);
}

TEST(TweetCall, CallWhoseLeaseIsHeldElsewhereSearchesAndPostsNothing) {
  for (const std::int64_t prior : {0, 1}) {  // a fresh step, and one a crashed engine may have posted
    TweetFixture f;
    auto s = f.spec(prior);
    s.hold = [] { return false; };  // another engine holds the step's lease
    f.start(std::move(s));
    f.run();
    ASSERT_TRUE(f.outcome);
    EXPECT_TRUE(f.outcome->abandoned);
    EXPECT_FALSE(f.outcome->success);
    EXPECT_EQ(f.social.post_calls, 0);
    EXPECT_EQ(f.social.search_calls, 0);
    EXPECT_EQ(f.persisted, 0) << "an abandoned call changes nothing on the step's row";
    EXPECT_EQ(f.hooks.marks["tweet_lease_held_elsewhere"], 1);
  }
}

TEST(TweetCall, LosingTheLeaseMidCallStopsBeforeTheNextOutsideCall) {
  TweetFixture f;
  f.social.post_faults.push_back({ApiStatus{503, "Service Unavailable", "", {}}, false});
  auto s = f.spec(0);
  int holds = 0;
  s.hold = [&] { return ++holds <= 1; };  // held for the first post only
  f.start(std::move(s));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_TRUE(f.outcome->abandoned);
  EXPECT_EQ(f.social.post_calls, 1);
  EXPECT_EQ(f.social.search_calls, 0) << "the search after the 5xx needs the lease too";
  EXPECT_EQ(f.social.tweets_with("[c-1/1]"), 0);
}

TEST(TweetCall, ATakeoverUnderTheLeaseSearchesBeforePosting) {
  TweetFixture f;
  // A crashed engine's post went through; its lease expired and this call holds it now.
  f.social.post_tweet(PostTweetRequest{"alice", tweet_text_with_marker("Like and retweet", "[c-1/1]"), {}},
                      [](PostTweetResult) {});
  f.scheduler.run_until(f.scheduler.now() + kMinute);
  f.start(f.spec(1));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_TRUE(f.outcome->success);
  EXPECT_EQ(f.social.post_calls, 1) << "only the crashed engine's post";
  EXPECT_EQ(f.social.tweets_with("[c-1/1]"), 1);
  EXPECT_EQ(f.hooks.marks["duplicate_tweet_prevented"], 1);
}

TEST(TweetCall, ATweetWithoutItsLeaseIsAnAssertionAndPostsNothing) {
  TweetFixture f;
  auto s = f.spec(0);
  s.hold = nullptr;  // a call site that forgot to bind the step's lease
  EXPECT_THROW(f.start(std::move(s)), AssertionFailure);
  f.run();
  EXPECT_EQ(f.social.post_calls, 0);
  EXPECT_EQ(f.persisted, 0);
  ASSERT_EQ(f.hooks.assertions.size(), 1u);
  EXPECT_NE(f.hooks.assertions[0].find("tweet call c-1:first_tweet would post without holding its tweet lease"),
            std::string::npos)
      << f.hooks.assertions[0];
}

TEST(TweetCall, TheDuplicateCheckMutationStillTakesTheLease) {
  TweetFixture f;
  auto s = f.spec(1);
  s.skip_duplicate_check = true;
  s.hold = [] { return false; };
  f.start(std::move(s));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_TRUE(f.outcome->abandoned);
  EXPECT_EQ(f.social.post_calls, 0);
}

}  // namespace
}  // namespace clsim::engine::testing
