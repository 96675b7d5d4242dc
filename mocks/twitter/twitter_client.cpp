#include "mocks/twitter/twitter_client.hpp"

namespace clsim::mocks {

namespace {
// The completion owns the answer and the callback only, never the client or the
// service, so a dropped or late event cannot touch freed objects.
template <class T>
void deliver(engine::Clock& clock, const char* label, TwitterReply<T> r, std::function<void(T)> done) {
  clock.start_wait(r.latency, engine::TimerKind::foreground, label,
                   [result = std::move(r.result), done = std::move(done)](boost::system::error_code ec) mutable {
                     if (!ec) done(std::move(result));
                   });
}
}  // namespace

// Every answer carries the bucket's x-rate-limit-* headers as the call left it,
// read when the call takes effect, as the real API stamps them.
void TwitterClient::post_tweet(engine::PostTweetRequest req, std::function<void(engine::PostTweetResult)> done) {
  auto r = service_.post_tweet(req);
  service_.stamp_rate_limit(r.result.status, engine::kPostTweets, req.account);
  deliver(clock_, "twitter:post_tweet", std::move(r), std::move(done));
}

void TwitterClient::search_recent(engine::SearchRequest req, std::function<void(engine::SearchResult)> done) {
  auto r = service_.search_recent(req);
  service_.stamp_rate_limit(r.result.status, engine::kSearchRecent);
  deliver(clock_, "twitter:search_recent", std::move(r), std::move(done));
}

void TwitterClient::lookup_metrics(std::vector<std::string> tweet_ids,
                                   std::function<void(engine::MetricsResult)> done) {
  auto r = service_.lookup_metrics(tweet_ids);
  service_.stamp_rate_limit(r.result.status, engine::kTweetsLookup);
  deliver(clock_, "twitter:lookup_metrics", std::move(r), std::move(done));
}

void TwitterClient::list_engagers(engine::EngagersRequest req, std::function<void(engine::EngagersPage)> done) {
  auto r = service_.list_engagers(req);
  service_.stamp_rate_limit(r.result.status, engine::engagers_endpoint(req.kind));
  deliver(clock_, "twitter:list_engagers", std::move(r), std::move(done));
}

}  // namespace clsim::mocks
