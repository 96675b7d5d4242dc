// One engine's engine::Social adapter over the world's TwitterService. The request
// takes effect on the service when it is made; the answer reaches the engine after
// the reply latency as a foreground event on the engine's own clock, so an engine
// crash in between loses the answer while the effect stands (the real hazard).
#pragma once
#include "engine/ports/clock.hpp"
#include "engine/ports/social.hpp"
#include "mocks/twitter/twitter_service.hpp"

namespace clsim::mocks {

class TwitterClient final : public engine::Social {
 public:
  // `service` outlives the client; `clock` is the engine's.
  TwitterClient(TwitterService& service, engine::Clock& clock) : service_(service), clock_(clock) {}
  TwitterClient(const TwitterClient&) = delete;
  TwitterClient& operator=(const TwitterClient&) = delete;

  void post_tweet(engine::PostTweetRequest req, std::function<void(engine::PostTweetResult)> done) override;
  void search_recent(engine::SearchRequest req, std::function<void(engine::SearchResult)> done) override;
  void lookup_metrics(std::vector<std::string> tweet_ids,
                      std::function<void(engine::MetricsResult)> done) override;
  void list_engagers(engine::EngagersRequest req, std::function<void(engine::EngagersPage)> done) override;

 private:
  TwitterService& service_;
  engine::Clock& clock_;
};

}  // namespace clsim::mocks
