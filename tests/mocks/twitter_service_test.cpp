// The mock X API's write path and gate: rate-limit windows, duplicate content,
// created-but-failed posts, injected and scripted failures, text length.
#include "mocks/twitter/twitter_service.hpp"

#include <gtest/gtest.h>

#include "mocks/twitter/problems.hpp"
#include "sim/runtime/scheduler.hpp"

namespace clsim::mocks {
namespace {

using engine::Duration;

constexpr Duration kSecond = Duration(1'000'000);
constexpr Duration kMinute = 60 * kSecond;
constexpr Duration kHour = 60 * kMinute;

TwitterConfig no_audience() {
  TwitterConfig c;
  c.audience.enabled = false;
  return c;
}

// One world with the Twitter service alone; engine 1's clock for clients.
struct TwitterWorld {
  explicit TwitterWorld(TwitterConfig config = no_audience(), std::uint64_t seed = 1)
      : scheduler(seed, engine::from_us(engine::kDefaultStartUs), trace),
        world_clock(scheduler, 0),
        fault_rng(sim::Prng::stream(seed, "twitter")),
        audience_rng(sim::Prng::stream(seed, "audience")),
        service(std::move(config), world_clock, fault_rng, audience_rng, counter) {}

  void advance(Duration d) { scheduler.run_until(scheduler.now() + d); }
  engine::PostTweetResult post(const std::string& account, const std::string& text,
                               std::optional<std::string> reply_to = std::nullopt) {
    return service.post_tweet({account, text, std::move(reply_to)}).result;
  }

  sim::Trace trace;
  sim::Scheduler scheduler;
  sim::SimClock world_clock;
  sim::Prng fault_rng;
  sim::Prng audience_rng;
  FaultCounter counter;
  TwitterService service;
};

TEST(TwitterService, PostReturns201WithSequentialNineteenDigitIds) {
  TwitterWorld w;
  auto a = w.post("alice", "first");
  auto b = w.post("alice", "second");
  EXPECT_EQ(a.status.http, 201);
  EXPECT_EQ(a.tweet.id.size(), 19u);
  EXPECT_EQ(std::stoll(b.tweet.id), std::stoll(a.tweet.id) + 1);
  EXPECT_EQ(a.tweet.author, "alice");
  ASSERT_EQ(w.service.tweets().size(), 2u);
  EXPECT_EQ(w.service.tweets()[1].tweet.text, "second");
}

TEST(TwitterService, RateLimitWindowResetsAfterFifteenMinutes) {
  TwitterConfig config = no_audience();
  config.faults.rate_limit = true;
  TwitterWorld w(config);
  w.advance(Duration(250'000));  // start mid-second: the reset header is whole seconds
  const auto window_start = w.scheduler.now();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(w.post("alice", "tweet " + std::to_string(i)).status.http, 201) << i;
  auto refused = w.post("alice", "tweet 100");
  EXPECT_EQ(refused.status.http, 429);
  EXPECT_EQ(refused.status.title, "Too Many Requests");
  const auto expected_reset = engine::from_us((engine::to_us(window_start + 15 * kMinute) / 1'000'000 + 1) * 1'000'000);
  EXPECT_EQ(refused.status.rate_limit_reset, expected_reset);
  // Another user has a bucket of its own.
  EXPECT_EQ(w.post("bob", "tweet 100").status.http, 201);
  w.scheduler.run_until(expected_reset - Duration(1));
  EXPECT_EQ(w.post("alice", "tweet 100").status.http, 429);
  w.scheduler.run_until(expected_reset);
  EXPECT_EQ(w.post("alice", "tweet 100").status.http, 201);
  EXPECT_EQ(w.counter.get("twitter_rate_limited"), 2);
}

TEST(TwitterService, ReadRateLimitIsOneAppWideBucketPerEndpoint) {
  TwitterConfig config = no_audience();
  config.faults.rate_limit = true;
  TwitterWorld w(config);
  const auto id = w.post("alice", "hello").tweet.id;
  for (int i = 0; i < 75; ++i)
    ASSERT_EQ(w.service.list_engagers({id, engine::EngagementKind::like, std::nullopt, 100}).result.status.http, 200);
  EXPECT_EQ(w.service.list_engagers({id, engine::EngagementKind::like, std::nullopt, 100}).result.status.http, 429);
  // retweeted_by has its own 75.
  EXPECT_EQ(w.service.list_engagers({id, engine::EngagementKind::retweet, std::nullopt, 100}).result.status.http, 200);
  EXPECT_EQ(w.service.rate_limit_remaining(kRetweetedBy), 74);
}

TEST(TwitterService, RateLimitOffNeverRefuses) {
  TwitterWorld w;
  for (int i = 0; i < 150; ++i) ASSERT_EQ(w.post("alice", "t" + std::to_string(i)).status.http, 201);
  EXPECT_EQ(w.counter.get("twitter_rate_limited"), 0);
}

TEST(TwitterService, DuplicateContentWithinWindowIsRefusedAndAllowedAfter) {
  TwitterWorld w;
  ASSERT_EQ(w.post("alice", "same words").status.http, 201);
  w.advance(23 * kHour);
  auto dup = w.post("alice", "same words");
  EXPECT_EQ(dup.status.http, 403);
  EXPECT_EQ(dup.status.detail, "You are not allowed to create a Tweet with duplicate content.");
  EXPECT_TRUE(dup.status.duplicate_content());
  EXPECT_EQ(w.post("bob", "same words").status.http, 201);  // another author may
  w.advance(1 * kHour);
  EXPECT_EQ(w.post("alice", "same words").status.http, 201);
  EXPECT_EQ(w.counter.get("twitter_duplicate_refused"), 1);
  EXPECT_EQ(w.service.tweets().size(), 3u);
}

TEST(TwitterService, TimeoutAfterCreateLeavesTheTweetCreated) {
  TwitterConfig config = no_audience();
  config.faults.timeout_after_create_rate = 1.0;
  TwitterWorld w(config);
  auto r = w.service.post_tweet({"alice", "lost answer", std::nullopt});
  EXPECT_TRUE(r.result.status.timed_out());
  EXPECT_EQ(r.latency, config.faults.timeout_delay);
  ASSERT_EQ(w.service.tweets().size(), 1u);
  EXPECT_EQ(w.service.tweets()[0].tweet.text, "lost answer");
  // The retry a careless client makes meets the duplicate refusal.
  w.service.set_faults(TwitterFaults{});
  EXPECT_TRUE(w.post("alice", "lost answer").status.duplicate_content());
  EXPECT_EQ(w.counter.get("twitter_timeout_after_create"), 1);
}

TEST(TwitterService, PlainTimeoutAndServerErrorsHaveNoEffect) {
  TwitterConfig config = no_audience();
  config.faults.timeout_rate = 1.0;
  TwitterWorld w(config);
  EXPECT_EQ(w.post("alice", "a").status.http, 0);
  TwitterFaults errors;
  errors.error_rate = 1.0;
  w.service.set_faults(errors);
  for (int i = 0; i < 20; ++i) {
    const int http = w.post("alice", "a").status.http;
    EXPECT_TRUE(http == 500 || http == 502 || http == 503 || http == 504) << http;
  }
  EXPECT_TRUE(w.service.tweets().empty());
  EXPECT_EQ(w.counter.get("twitter_timeout"), 1);
  EXPECT_EQ(w.counter.get("twitter_error"), 20);
}

TEST(TwitterService, ErrorAfterCreateAnswers5xxButTheTweetExists) {
  TwitterConfig config = no_audience();
  config.faults.error_after_create_rate = 1.0;
  TwitterWorld w(config);
  auto r = w.post("alice", "created anyway");
  EXPECT_TRUE(r.status.server_error());
  EXPECT_TRUE(r.tweet.id.empty());
  EXPECT_EQ(w.service.tweets().size(), 1u);
}

TEST(TwitterService, ReplyRejectedWhenKnobOnAndOnlyForReplies) {
  TwitterConfig config = no_audience();
  config.faults.reply_rejected_rate = 1.0;
  TwitterWorld w(config);
  auto root = w.post("alice", "root");
  ASSERT_EQ(root.status.http, 201);
  auto reply = w.post("alice", "thread", root.tweet.id);
  EXPECT_EQ(reply.status.http, 403);
  EXPECT_EQ(reply.status.detail, config.reply_rejected_detail);
  EXPECT_EQ(w.service.tweets().size(), 1u);
}

TEST(TwitterService, ReplyToUnknownTweetIsInvalid) {
  TwitterWorld w;
  EXPECT_EQ(w.post("alice", "thread", "1850000000000000999").status.http, 400);
}

TEST(TwitterService, UnauthorizedForbiddenAndUsageCapAreProducible) {
  TwitterConfig config = no_audience();
  config.faults.unauthorized_rate = 1.0;
  TwitterWorld w(config);
  EXPECT_EQ(w.post("alice", "a").status.http, 401);
  TwitterFaults f;
  f.forbidden_rate = 1.0;
  w.service.set_faults(f);
  auto forbidden = w.post("alice", "a");
  EXPECT_EQ(forbidden.status.http, 403);
  EXPECT_EQ(forbidden.status.title, "Client Forbidden");
  f = TwitterFaults{};
  f.usage_cap = true;
  w.service.set_faults(f);
  auto capped = w.service.lookup_metrics({"1"}).result;
  EXPECT_EQ(capped.status.http, 429);
  EXPECT_EQ(capped.status.title, "UsageCapExceeded");
  EXPECT_GT(capped.status.rate_limit_reset, w.scheduler.now());
  EXPECT_TRUE(w.service.tweets().empty());
}

TEST(TwitterService, TextOver280CodePointsIsRefusedAndUrlsWeigh23) {
  TwitterWorld w;
  EXPECT_EQ(w.post("alice", std::string(280, 'x')).status.http, 201);
  EXPECT_EQ(w.post("alice", std::string(281, 'y')).status.http, 403);
  std::string accents;
  for (int i = 0; i < 280; ++i) accents += "\xC3\xA9";  // é: 2 bytes, 1 code point
  EXPECT_EQ(w.post("alice", accents).status.http, 201);
  EXPECT_EQ(tweet_weighted_length("see https://example.com/a/very/long/path/indeed/yes ok", true), 4 + 23 + 3);
  EXPECT_EQ(tweet_weighted_length("", true), 0);
  EXPECT_EQ(w.post("alice", "").status.http, 400);
}

TEST(TwitterService, ScriptedFailureHitsTheNextMatchingCallOnce) {
  TwitterWorld w;
  TwitterScriptedFailure f;
  f.status = problems::server_error(503);
  f.endpoint = kPostTweets;
  f.marker = "#c-7";
  f.not_before = w.scheduler.now() + kMinute;
  w.service.inject_next(f);
  EXPECT_EQ(w.post("alice", "campaign #c-7 early").status.http, 201);  // before not_before
  w.advance(kMinute);
  EXPECT_EQ(w.post("alice", "campaign #c-8").status.http, 201);  // other campaign
  EXPECT_EQ(w.service.lookup_metrics({"1"}).result.status.http, 200);  // other endpoint
  EXPECT_EQ(w.post("alice", "campaign #c-7").status.http, 503);
  EXPECT_EQ(w.post("alice", "campaign #c-7").status.http, 201);
  EXPECT_EQ(w.service.scripted_pending(), 0u);
  EXPECT_EQ(w.counter.get("twitter_scripted"), 1);
}

TEST(TwitterService, ScriptedFailureWithEffectCreatesTheTweet) {
  TwitterWorld w;
  TwitterScriptedFailure f;
  f.status = problems::timed_out();
  f.apply_effect = true;
  w.service.inject_next(f);
  EXPECT_TRUE(w.post("alice", "x").status.timed_out());
  EXPECT_EQ(w.service.tweets().size(), 1u);
}

TEST(TwitterService, MergeFaultTableNamesUnknownKeysAndBadTypes) {
  TwitterFaults f;
  EXPECT_EQ(merge_twitter_faults(f, {{"error_rate", 0.25}, {"rate_limit", true}, {"latency_max", 900000}}), "");
  EXPECT_EQ(f.error_rate, 0.25);
  EXPECT_TRUE(f.rate_limit);
  EXPECT_EQ(f.latency_max, Duration(900000));
  EXPECT_NE(merge_twitter_faults(f, {{"eror_rate", 0.1}}).find("eror_rate"), std::string::npos);
  EXPECT_NE(merge_twitter_faults(f, {{"latency_min", 0.5}}).find("latency_min"), std::string::npos);
  EXPECT_EQ(f.latency_min, TwitterFaults{}.latency_min);  // a failed merge changes nothing
}

// Same seed, same calls -> the same outcomes and latencies; the golden check that
// fault decisions come only from the seeded stream.
std::vector<std::int64_t> run_faulty_session(std::uint64_t seed) {
  TwitterConfig config;
  config.faults.error_rate = 0.2;
  config.faults.timeout_rate = 0.1;
  config.faults.timeout_after_create_rate = 0.2;
  TwitterWorld w(config, seed);
  std::vector<std::int64_t> out;
  for (int i = 0; i < 40; ++i) {
    auto r = w.service.post_tweet({"alice", "post " + std::to_string(i % 25), std::nullopt});
    out.push_back(r.result.status.http);
    out.push_back(engine::to_us(r.latency));
    w.advance(r.latency);
  }
  for (const auto& t : w.service.tweets()) out.push_back(std::int64_t(w.service.engagements().all(t.tweet.id).size()));
  return out;
}

TEST(TwitterService, SameSeedGivesTheSameOutcomesAndAnotherSeedDiffers) {
  EXPECT_EQ(run_faulty_session(7), run_faulty_session(7));
  EXPECT_NE(run_faulty_session(7), run_faulty_session(8));
}

}  // namespace
}  // namespace clsim::mocks
