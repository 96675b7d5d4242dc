// A small X API stand-in for engine tests: tweets with duplicate-content refusal,
// a recent search that lags, metrics and paged engager lists, and scripted faults
// (an error answer, or a tweet created whose answer is lost). Answers arrive on
// the engine's clock after a latency, so a crashed engine never sees them.
#pragma once
#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "engine/ports/social.hpp"
#include "sim/runtime/scheduler.hpp"

namespace clsim::engine::testing {

class FakeSocial final : public Social {
 public:
  explicit FakeSocial(Clock& engine_clock) : clock_(engine_clock) {}

  Duration latency = Duration(50'000);
  Duration search_lag = Duration(30'000'000);
  int page_size = 2;  // small, so paging is exercised
  // Faults for the next post_tweet calls, in order. http 0 with create=true: the
  // tweet is created but the answer is lost (a timeout).
  struct PostFault {
    ApiStatus status;
    bool create = false;
  };
  std::deque<PostFault> post_faults;
  std::deque<ApiStatus> metrics_faults;

  void post_tweet(PostTweetRequest req, std::function<void(PostTweetResult)> done) override {
    ++post_calls;
    PostTweetResult r;
    if (!post_faults.empty()) {
      auto f = post_faults.front();
      post_faults.pop_front();
      if (f.create) create(req);
      r.status = f.status;
      return reply(std::move(done), r);
    }
    for (const auto& t : tweets)
      if (t.tweet.author == req.account && t.tweet.text == req.text) {
        r.status = ApiStatus{403, "Forbidden", kDuplicateContentDetail, {}};
        return reply(std::move(done), r);
      }
    r.status.http = 201;
    r.tweet = create(req);
    reply(std::move(done), r);
  }

  void search_recent(SearchRequest req, std::function<void(SearchResult)> done) override {
    ++search_calls;
    SearchResult r;
    for (const auto& t : tweets)
      if (t.tweet.author == req.account && t.tweet.text.find(req.phrase) != std::string::npos &&
          t.at + search_lag <= clock_.now())
        r.tweets.push_back(t.tweet);
    reply(std::move(done), r);
  }

  void lookup_metrics(std::vector<std::string> ids, std::function<void(MetricsResult)> done) override {
    ++metrics_calls;
    MetricsResult r;
    if (ids.size() > std::size_t(kMetricsBatchMax)) r.status.http = 400;
    if (!metrics_faults.empty()) {
      r.status = metrics_faults.front();
      metrics_faults.pop_front();
    }
    if (r.status.ok())
      for (const auto& id : ids) {
        TweetMetrics m{id};
        m.like_count = count(id, EngagementKind::like);
        m.retweet_count = count(id, EngagementKind::retweet);
        m.quote_count = count(id, EngagementKind::quote);
        m.reply_count = count(id, EngagementKind::reply);
        r.metrics.push_back(m);
      }
    reply(std::move(done), r);
  }

  void list_engagers(EngagersRequest req, std::function<void(EngagersPage)> done) override {
    ++engager_calls;
    const auto& all = engagers_[{req.tweet_id, int(req.kind)}];
    const std::size_t from = req.pagination_token ? std::stoul(*req.pagination_token) : 0;
    EngagersPage p;
    for (std::size_t i = from; i < all.size() && i < from + std::size_t(page_size); ++i) p.user_ids.push_back(all[i]);
    if (from + std::size_t(page_size) < all.size()) p.next_token = std::to_string(from + std::size_t(page_size));
    reply(std::move(done), p);
  }

  void engage(const std::string& tweet_id, const std::string& user, EngagementKind kind) {
    auto& v = engagers_[{tweet_id, int(kind)}];
    if (std::find(v.begin(), v.end(), user) == v.end()) v.push_back(user);
  }

  // Tweets whose text contains `marker`.
  int tweets_with(const std::string& marker) const {
    int n = 0;
    for (const auto& t : tweets) n += t.tweet.text.find(marker) != std::string::npos;
    return n;
  }

  struct Stored {
    Tweet tweet;
    TimePoint at;
  };
  std::vector<Stored> tweets;
  int post_calls = 0, search_calls = 0, metrics_calls = 0, engager_calls = 0;

 private:
  Tweet create(const PostTweetRequest& req) {
    Tweet t{std::to_string(1000 + tweets.size()), req.text, req.account, req.in_reply_to};
    tweets.push_back({t, clock_.now()});
    return t;
  }
  std::int64_t count(const std::string& id, EngagementKind k) {
    return std::int64_t(engagers_[{id, int(k)}].size());
  }
  template <class R>
  void reply(std::function<void(R)> done, R r) {
    clock_.start_wait(latency, TimerKind::foreground, "fake_social_reply",
                      [done = std::move(done), r = std::move(r)](boost::system::error_code ec) {
                        if (!ec) done(r);
                      });
  }

  Clock& clock_;
  std::map<std::pair<std::string, int>, std::vector<std::string>> engagers_;
};

}  // namespace clsim::engine::testing
