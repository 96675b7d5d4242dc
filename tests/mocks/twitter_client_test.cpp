// TwitterClient delivers the service's answer on the engine's clock after the
// latency; an engine crash loses the answer but not the effect.
#include "mocks/twitter/twitter_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "sim/runtime/scheduler.hpp"

namespace clsim::mocks {
namespace {

using engine::Duration;

struct ClientWorld {
  explicit ClientWorld(TwitterConfig config = {})
      : scheduler(3, engine::from_us(engine::kDefaultStartUs), trace),
        world_clock(scheduler, 0),
        engine_clock(scheduler, 1),
        fault_rng(sim::Prng::stream(3, "twitter")),
        audience_rng(sim::Prng::stream(3, "audience")),
        service(std::move(config), world_clock, fault_rng, audience_rng, counter),
        client(service, engine_clock) {}

  sim::Trace trace;
  sim::Scheduler scheduler;
  sim::SimClock world_clock;
  sim::SimClock engine_clock;
  sim::Prng fault_rng;
  sim::Prng audience_rng;
  FaultCounter counter;
  TwitterService service;
  TwitterClient client;
};

TEST(TwitterClient, AnswerArrivesAfterLatencyWithinTheConfiguredRange) {
  ClientWorld w;
  const auto start = w.scheduler.now();
  std::optional<engine::PostTweetResult> got;
  engine::TimePoint got_at{};
  w.client.post_tweet({"alice", "hello", std::nullopt}, [&](engine::PostTweetResult r) {
    got = r;
    got_at = w.engine_clock.now();
  });
  EXPECT_EQ(w.service.tweets().size(), 1u);  // the effect is immediate
  EXPECT_FALSE(got.has_value());            // the answer is not
  EXPECT_FALSE(w.scheduler.quiet());        // the pending answer is foreground work
  EXPECT_TRUE(w.scheduler.run_until_quiet(start + Duration(10'000'000)));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status.http, 201);
  EXPECT_GE(got_at - start, TwitterFaults{}.latency_min);
  EXPECT_LE(got_at - start, TwitterFaults{}.latency_max);
}

TEST(TwitterClient, EngineCrashLosesTheAnswerButTheTweetStands) {
  ClientWorld w;
  bool answered = false;
  w.client.post_tweet({"alice", "hello", std::nullopt}, [&](engine::PostTweetResult) { answered = true; });
  w.scheduler.crash_owner(1);
  w.scheduler.run_until_quiet(w.scheduler.now() + Duration(10'000'000));
  EXPECT_FALSE(answered);
  EXPECT_EQ(w.service.tweets().size(), 1u);
}

// Each call answers about the tweet the first one posted: its metrics and likers
// show the like added to it, and the search finds it by its author and text once
// X's search lag has passed (not at once).
TEST(TwitterClient, AllFourCallsAnswerAboutThePostedTweet) {
  ClientWorld w;
  std::optional<engine::PostTweetResult> posted;
  std::optional<engine::MetricsResult> metrics;
  std::optional<engine::EngagersPage> likers;
  std::optional<engine::SearchResult> early, found;
  w.client.post_tweet({"alice", "hello", std::nullopt}, [&](engine::PostTweetResult r) {
    posted = r;
    ASSERT_TRUE(w.service.add_engagement(r.tweet.id, "u-7", engine::EngagementKind::like, w.scheduler.now()));
    w.client.lookup_metrics({r.tweet.id}, [&](engine::MetricsResult m) { metrics = m; });
    w.client.list_engagers({r.tweet.id, engine::EngagementKind::like, std::nullopt, 100},
                           [&](engine::EngagersPage p) { likers = p; });
    w.client.search_recent({"alice", "hello"}, [&](engine::SearchResult s) { early = s; });
  });
  w.scheduler.run_until_quiet(w.scheduler.now() + Duration(10'000'000));
  w.scheduler.run_until(w.scheduler.now() + w.service.config().search_lag);
  w.client.search_recent({"alice", "hello"}, [&](engine::SearchResult s) { found = s; });
  w.scheduler.run_until_quiet(w.scheduler.now() + Duration(10'000'000));
  ASSERT_TRUE(posted && posted->status.ok());
  const std::string id = posted->tweet.id;
  EXPECT_EQ(posted->tweet.text, "hello");
  ASSERT_TRUE(metrics && metrics->status.ok());
  ASSERT_EQ(metrics->metrics.size(), 1u);
  EXPECT_EQ(metrics->metrics[0].tweet_id, id);
  EXPECT_EQ(metrics->metrics[0].like_count, 1);
  EXPECT_EQ(metrics->metrics[0].retweet_count, 0);
  ASSERT_TRUE(likers && likers->status.ok());
  EXPECT_EQ(likers->user_ids, std::vector<std::string>{"u-7"});
  EXPECT_FALSE(likers->next_token);
  ASSERT_TRUE(early && early->status.ok());
  EXPECT_TRUE(early->tweets.empty()) << "found within the search lag";
  ASSERT_TRUE(found && found->status.ok());
  ASSERT_EQ(found->tweets.size(), 1u);
  EXPECT_EQ(found->tweets[0].id, id);
  EXPECT_EQ(found->tweets[0].author, "alice");
}

// As the real API does, every answer carries its bucket's x-rate-limit-* headers:
// the count falls with each call, and the 429 that ends the window says 0 left
// and when the window resets.
TEST(TwitterClient, EveryAnswerCarriesTheRateLimitHeadersAndTheCountFalls) {
  TwitterConfig config;
  config.faults.rate_limit = true;
  config.rate_limits = {{kPostTweets, true, 3, Duration(900'000'000)}, {kTweetsLookup, false, 300, Duration(900'000'000)}};
  ClientWorld w(config);
  const auto start = w.scheduler.now();
  std::vector<engine::ApiStatus> posts;
  for (int i = 0; i < 4; ++i)
    w.client.post_tweet({"alice", "hello " + std::to_string(i), std::nullopt},
                        [&](engine::PostTweetResult r) { posts.push_back(r.status); });
  std::optional<engine::ApiStatus> lookup;
  w.client.lookup_metrics({"1"}, [&](engine::MetricsResult r) { lookup = r.status; });
  w.scheduler.run_until_quiet(start + Duration(10'000'000));
  ASSERT_EQ(posts.size(), 4u);
  std::vector<std::int64_t> remaining;
  for (const auto& s : posts) {
    EXPECT_EQ(s.rate_limit_limit, 3);
    EXPECT_EQ(s.rate_limit_reset, start + Duration(900'000'000));
    remaining.push_back(s.rate_limit_remaining);
  }
  std::sort(remaining.begin(), remaining.end());  // answers arrive in latency order
  EXPECT_EQ(remaining, (std::vector<std::int64_t>{0, 0, 1, 2}));
  EXPECT_EQ(std::count_if(posts.begin(), posts.end(), [](const auto& s) { return s.rate_limited(); }), 1);
  // Another endpoint is a bucket of its own, untouched by the posts.
  ASSERT_TRUE(lookup);
  EXPECT_EQ(lookup->rate_limit_limit, 300);
  EXPECT_EQ(lookup->rate_limit_remaining, 299);
}

}  // namespace
}  // namespace clsim::mocks
