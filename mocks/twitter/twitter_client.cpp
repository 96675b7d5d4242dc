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

void TwitterClient::post_tweet(engine::PostTweetRequest req, std::function<void(engine::PostTweetResult)> done) {
  deliver(clock_, "twitter:post_tweet", service_.post_tweet(req), std::move(done));
}

void TwitterClient::search_recent(engine::SearchRequest req, std::function<void(engine::SearchResult)> done) {
  deliver(clock_, "twitter:search_recent", service_.search_recent(req), std::move(done));
}

void TwitterClient::lookup_metrics(std::vector<std::string> tweet_ids,
                                   std::function<void(engine::MetricsResult)> done) {
  deliver(clock_, "twitter:lookup_metrics", service_.lookup_metrics(tweet_ids), std::move(done));
}

void TwitterClient::list_engagers(engine::EngagersRequest req, std::function<void(engine::EngagersPage)> done) {
  deliver(clock_, "twitter:list_engagers", service_.list_engagers(req), std::move(done));
}

}  // namespace clsim::mocks
