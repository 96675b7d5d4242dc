// The mock X API's read side: search lag, metrics, paginated engager lists with the
// liking_users cap, and the seeded audience model.
#include <set>

#include <gtest/gtest.h>

#include "mocks/twitter/twitter_service.hpp"
#include "sim/runtime/scheduler.hpp"

namespace clsim::mocks {
namespace {

using engine::Duration;
using engine::EngagementKind;

constexpr Duration kSecond = Duration(1'000'000);
constexpr Duration kHour = Duration(3600LL * 1'000'000);

struct TwitterWorld {
  explicit TwitterWorld(bool audience, std::uint64_t seed = 1)
      : scheduler(seed, engine::from_us(engine::kDefaultStartUs), trace),
        world_clock(scheduler, 0),
        fault_rng(sim::Prng::stream(seed, "twitter")),
        audience_rng(sim::Prng::stream(seed, "audience")),
        service(config(audience), world_clock, fault_rng, audience_rng, counter) {}

  static TwitterConfig config(bool audience) {
    TwitterConfig c;
    c.audience.enabled = audience;
    return c;
  }
  void advance(Duration d) { scheduler.run_until(scheduler.now() + d); }
  std::string post(const std::string& text, std::optional<std::string> reply_to = std::nullopt) {
    auto r = service.post_tweet({"alice", text, std::move(reply_to)}).result;
    EXPECT_EQ(r.status.http, 201);
    return r.tweet.id;
  }
  engine::EngagersPage page(const std::string& id, EngagementKind kind, int max_results,
                            std::optional<std::string> token = std::nullopt) {
    return service.list_engagers({id, kind, std::move(token), max_results}).result;
  }
  // Follows next_token to the end; returns every user in order.
  std::vector<std::string> all_pages(const std::string& id, EngagementKind kind, int max_results, int* pages) {
    std::vector<std::string> users;
    std::optional<std::string> token;
    *pages = 0;
    do {
      auto p = page(id, kind, max_results, token);
      EXPECT_EQ(p.status.http, 200);
      users.insert(users.end(), p.user_ids.begin(), p.user_ids.end());
      token = p.next_token;
      ++*pages;
    } while (token && *pages < 1000);
    return users;
  }

  sim::Trace trace;
  sim::Scheduler scheduler;
  sim::SimClock world_clock;
  sim::Prng fault_rng;
  sim::Prng audience_rng;
  FaultCounter counter;
  TwitterService service;
};

TEST(TwitterReads, SearchLagHidesAFreshTweetForThirtySeconds) {
  TwitterWorld w(false);
  const auto id = w.post("campaign [c-1] first");
  w.post("unrelated");
  EXPECT_TRUE(w.service.search_recent({"alice", "[c-1]"}).result.tweets.empty());
  w.advance(29 * kSecond);
  EXPECT_TRUE(w.service.search_recent({"alice", "[c-1]"}).result.tweets.empty());
  w.advance(1 * kSecond);
  auto found = w.service.search_recent({"alice", "[c-1]"}).result;
  EXPECT_EQ(found.status.http, 200);
  ASSERT_EQ(found.tweets.size(), 1u);
  EXPECT_EQ(found.tweets[0].id, id);
  EXPECT_TRUE(w.service.search_recent({"bob", "[c-1]"}).result.tweets.empty());  // from: another user
  w.advance(7 * 24 * kHour);
  EXPECT_TRUE(w.service.search_recent({"alice", "[c-1]"}).result.tweets.empty());  // older than 7 days
}

TEST(TwitterReads, PaginationFollowsNextTokenUntilItIsAbsent) {
  TwitterWorld w(false);
  const auto id = w.post("root");
  for (int i = 1; i <= 25; ++i)
    ASSERT_TRUE(w.service.add_engagement(id, "u-" + std::to_string(i), EngagementKind::retweet,
                                         w.scheduler.now() + Duration(i)));
  w.advance(kSecond);
  auto first = w.page(id, EngagementKind::retweet, 10);
  ASSERT_EQ(first.user_ids.size(), 10u);
  EXPECT_EQ(first.user_ids[0], "u-25");  // newest first
  ASSERT_TRUE(first.next_token.has_value());
  int pages = 0;
  auto users = w.all_pages(id, EngagementKind::retweet, 10, &pages);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(users.size(), 25u);
  EXPECT_EQ(std::set<std::string>(users.begin(), users.end()).size(), 25u);
  // One page holds everything: no next_token at all.
  auto whole = w.page(id, EngagementKind::retweet, 100);
  EXPECT_EQ(whole.user_ids.size(), 25u);
  EXPECT_FALSE(whole.next_token.has_value());
  EXPECT_EQ(w.page(id, EngagementKind::retweet, 10, std::string("not-a-token")).status.http, 400);
  EXPECT_EQ(w.page(id, EngagementKind::quote, 5).status.http, 400);  // quote_tweets wants 10-100
}

TEST(TwitterReads, PageBoundaryHoldsWhenNewEngagementsArrive) {
  TwitterWorld w(false);
  const auto id = w.post("root");
  for (int i = 1; i <= 4; ++i) w.service.add_engagement(id, "u-" + std::to_string(i), EngagementKind::like, w.scheduler.now());
  auto first = w.page(id, EngagementKind::like, 2);
  w.service.add_engagement(id, "u-9", EngagementKind::like, w.scheduler.now());
  auto second = w.page(id, EngagementKind::like, 2, first.next_token);
  EXPECT_EQ(first.user_ids, (std::vector<std::string>{"u-4", "u-3"}));
  EXPECT_EQ(second.user_ids, (std::vector<std::string>{"u-2", "u-1"}));
  EXPECT_FALSE(second.next_token.has_value());
}

TEST(TwitterReads, LikingUsersIsCappedAtOneHundredWhileTheCountIsNot) {
  TwitterWorld w(false);
  const auto id = w.post("root");
  for (int i = 1; i <= 150; ++i)
    w.service.add_engagement(id, "u-" + std::to_string(i), EngagementKind::like, w.scheduler.now() + Duration(i));
  w.advance(kSecond);
  int pages = 0;
  auto users = w.all_pages(id, EngagementKind::like, 40, &pages);
  EXPECT_EQ(users.size(), 100u);
  EXPECT_EQ(pages, 3);
  auto metrics = w.service.lookup_metrics({id}).result;
  ASSERT_EQ(metrics.metrics.size(), 1u);
  EXPECT_EQ(metrics.metrics[0].like_count, 150);
  // Retweets have no such cap.
  for (int i = 1; i <= 150; ++i) w.service.add_engagement(id, "u-" + std::to_string(i), EngagementKind::retweet, w.scheduler.now());
  EXPECT_EQ(w.all_pages(id, EngagementKind::retweet, 100, &pages).size(), 150u);
}

TEST(TwitterReads, RepliesAppearThroughTheLaggingConversationSearch) {
  TwitterWorld w(false);
  const auto id = w.post("root");
  w.service.add_engagement(id, "u-1", EngagementKind::reply, w.scheduler.now());
  EXPECT_TRUE(w.page(id, EngagementKind::reply, 10).user_ids.empty());
  EXPECT_EQ(w.service.lookup_metrics({id}).result.metrics[0].reply_count, 1);
  w.advance(30 * kSecond);
  EXPECT_EQ(w.page(id, EngagementKind::reply, 10).user_ids, (std::vector<std::string>{"u-1"}));
}

TEST(TwitterReads, MetricsCountOnlyEngagementsUpToNowAndRefuseOverAHundredIds) {
  TwitterWorld w(false);
  const auto id = w.post("root");
  w.service.add_engagement(id, "u-1", EngagementKind::like, w.scheduler.now() + kHour);
  w.service.add_engagement(id, "u-2", EngagementKind::quote, w.scheduler.now() + 2 * kHour);
  EXPECT_FALSE(w.service.add_engagement(id, "u-1", EngagementKind::like, w.scheduler.now()));  // likes once
  EXPECT_FALSE(w.service.add_engagement("999", "u-1", EngagementKind::like, w.scheduler.now()));
  EXPECT_EQ(w.service.lookup_metrics({id}).result.metrics[0].like_count, 0);
  w.advance(kHour);
  auto m = w.service.lookup_metrics({id, "1850000000000009999"}).result;
  ASSERT_EQ(m.metrics.size(), 1u);  // the unknown id is left out
  EXPECT_EQ(m.metrics[0].like_count, 1);
  EXPECT_EQ(m.metrics[0].quote_count, 0);
  EXPECT_EQ(w.service.lookup_metrics(std::vector<std::string>(101, id)).result.status.http, 400);
}

TEST(TwitterReads, PartialResultLeavesOneIdOutOfA200) {
  TwitterWorld w(false);
  const auto a = w.post("one");
  const auto b = w.post("two");
  TwitterFaults f;
  f.partial_result_rate = 1.0;
  w.service.set_faults(f);
  auto m = w.service.lookup_metrics({a, b}).result;
  EXPECT_EQ(m.status.http, 200);
  EXPECT_EQ(m.metrics.size(), 1u);
  EXPECT_EQ(w.counter.get("twitter_partial_result"), 1);
}

std::vector<std::string> audience_of(std::uint64_t seed) {
  TwitterWorld w(true, seed);
  const auto id = w.post("campaign");
  std::vector<std::string> out;
  for (const auto& e : w.service.engagements().all(id))
    out.push_back(e.user + "/" + engine::to_string(e.kind) + "/" + std::to_string(engine::to_us(e.at)));
  return out;
}

TEST(TwitterReads, AudienceIsTheSameForASeedAndDifferentForAnother) {
  const auto a = audience_of(11);
  EXPECT_EQ(a, audience_of(11));
  EXPECT_NE(a, audience_of(12));
  // 500 users at 0.3: about 150 engage (a loose bound that still catches "all" or "none").
  EXPECT_GT(a.size(), 100u);
  EXPECT_LT(a.size(), 200u);
}

TEST(TwitterReads, AudienceEngagesOverTimeAndIgnoresTheThreadReply) {
  TwitterWorld w(true);
  const auto root = w.post("campaign");
  const auto reply = w.post("campaign, part two", root);
  EXPECT_TRUE(w.service.engagements().all(reply).empty());
  auto total = [&] {
    auto m = w.service.lookup_metrics({root}).result.metrics.at(0);
    return m.like_count + m.retweet_count + m.quote_count + m.reply_count;
  };
  EXPECT_EQ(total(), 0);
  w.advance(kHour);
  const auto after_hour = total();
  w.advance(47 * kHour);
  const auto after_two_days = total();
  EXPECT_GT(after_hour, 0);
  EXPECT_GT(after_two_days, after_hour);
  EXPECT_EQ(after_two_days, std::int64_t(w.service.engagements().all(root).size()));
}

TEST(TwitterReads, AudienceOffLeavesOnlyExplicitEngagements) {
  TwitterWorld w(false);
  const auto root = w.post("campaign");
  EXPECT_TRUE(w.service.engagements().all(root).empty());
  EXPECT_EQ(w.service.tweets_containing("camp").size(), 1u);
  EXPECT_TRUE(w.service.tweets_containing("zzz").empty());
}

}  // namespace
}  // namespace clsim::mocks
