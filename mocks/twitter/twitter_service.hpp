// The mock X API v2 as one world-level service: every engine's TwitterClient talks
// to it, so tweets, duplicate-content memory, rate-limit windows and engagements are
// shared as they are on the real service. A call takes effect when it is made and
// returns its answer plus the latency after which the client delivers it; faults
// come from the service's own random stream and are counted as `twitter_<kind>`.
#pragma once
#include <cstdint>
#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/ports/clock.hpp"
#include "engine/ports/random.hpp"
#include "engine/ports/social.hpp"
#include "mocks/fault_counter.hpp"
#include "mocks/twitter/engagement_book.hpp"
#include "mocks/twitter/rate_limiter.hpp"
#include "mocks/twitter/twitter_config.hpp"
#include "mocks/twitter/twitter_script.hpp"

namespace clsim::mocks {

// An answer and how long after the call the caller sees it.
template <class T>
struct TwitterReply {
  T result;
  engine::Duration latency{};
};

struct TweetRecord {
  engine::Tweet tweet;
  engine::TimePoint created_at{};
};

class TwitterService {
 public:
  // `clock` is the world's (read for now() only); `fault_rng` decides faults and
  // latencies, `audience_rng` the audience model; both outlive the service.
  TwitterService(TwitterConfig config, engine::Clock& clock, engine::Random& fault_rng,
                 engine::Random& audience_rng, FaultCounter& counter);
  TwitterService(const TwitterService&) = delete;
  TwitterService& operator=(const TwitterService&) = delete;

  const TwitterConfig& config() const { return config_; }
  const TwitterFaults& faults() const { return config_.faults; }
  void set_faults(const TwitterFaults& faults) { config_.faults = faults; }
  void set_audience(const AudienceConfig& audience) { config_.audience = audience; }

  // The four calls of engine::Social, applied now.
  TwitterReply<engine::PostTweetResult> post_tweet(const engine::PostTweetRequest& req);
  TwitterReply<engine::SearchResult> search_recent(const engine::SearchRequest& req);
  TwitterReply<engine::MetricsResult> lookup_metrics(const std::vector<std::string>& tweet_ids);
  TwitterReply<engine::EngagersPage> list_engagers(const engine::EngagersRequest& req);

  // Replay: the next matching call fails with f.status.
  void inject_next(TwitterScriptedFailure f) { script_.push(std::move(f)); }
  std::size_t scripted_pending() const { return script_.pending(); }
  // Replay: a logged engagement. False for an unknown tweet or a repeat.
  bool add_engagement(const std::string& tweet_id, const std::string& user, engine::EngagementKind kind,
                      engine::TimePoint at);

  // Introspection for invariants and Lua queries.
  const std::vector<TweetRecord>& tweets() const { return tweets_; }  // creation order
  std::vector<TweetRecord> tweets_containing(std::string_view marker) const;
  const TweetRecord* find_tweet(const std::string& id) const;
  const EngagementBook& engagements() const { return book_; }
  std::int64_t rate_limit_remaining(const std::string& endpoint, const std::string& user = {}) const;
  // The x-rate-limit-* headers of `endpoint` for `user` now (RateLimiter::quota),
  // whether or not the rate_limit fault is on. Changes nothing.
  std::optional<RateLimiter::Quota> rate_limit_quota(const std::string& endpoint, const std::string& user = {}) const;
  // Puts on `s` the x-rate-limit-* headers an answer of `endpoint` for `user`
  // carries: the bucket as the call left it; a 429 of the limiter keeps the reset of
  // the window that refused it and says 0 left. Nothing for a call that timed out.
  void stamp_rate_limit(engine::ApiStatus& s, const std::string& endpoint, const std::string& user = {}) const;
  const FaultCounter& fault_counter() const { return counter_; }

 private:
  // What the common gate decided for one call.
  struct Gate {
    std::optional<engine::ApiStatus> refuse;       // answer this without effect
    std::optional<engine::ApiStatus> after_effect;  // take effect, then answer this
    std::string subject;                            // names the call to a fault schedule
    std::optional<engine::ApiStatus> logged;        // a replayed failure taken through its decision
  };
  // The texts of the tweets a call concerns, found only when something asks for
  // them (a fault schedule or record, a scripted failure, a refusal to observe):
  // copying a hundred texts for every metrics lookup was a third of the lookup.
  class CallTexts {
   public:
    explicit CallTexts(std::vector<std::string> texts) : texts_(std::move(texts)) {}
    CallTexts(const TwitterService& service, const std::vector<std::string>& tweet_ids)
        : service_(&service), tweet_ids_(&tweet_ids) {}
    const std::vector<std::string>& get() const {
      if (!texts_) texts_ = service_->texts_of(*tweet_ids_);
      return *texts_;
    }

   private:
    const TwitterService* service_ = nullptr;
    const std::vector<std::string>* tweet_ids_ = nullptr;
    mutable std::optional<std::vector<std::string>> texts_;
  };
  Gate gate(const std::string& endpoint, const std::string& user, const CallTexts& texts);
  engine::ApiStatus injected_server_error();
  engine::Duration latency_for(const engine::ApiStatus& status);
  template <class T>
  TwitterReply<T> reply(T result) {
    const auto latency = latency_for(result.status);
    counter_.clear_forced();  // a logged failure is for this call only
    return TwitterReply<T>{std::move(result), latency};
  }
  std::optional<engine::ApiStatus> validate_post(const engine::PostTweetRequest& req) const;
  bool is_duplicate(const engine::PostTweetRequest& req, engine::TimePoint now) const;
  const TweetRecord& create(const engine::PostTweetRequest& req, engine::TimePoint now);
  std::vector<std::string> texts_of(const std::vector<std::string>& tweet_ids) const;
  void count(const char* kind) { counter_.add(std::string("twitter_") + kind); }
  bool roll(double rate, const char* kind, const std::string& subject) {
    return counter_.decide(fault_rng_, rate, [&] { return FaultCounter::Call{std::string("twitter_") + kind, subject}; });
  }
  // "POST /2/tweets c-3": the endpoint and the campaigns whose tweets the call concerns.
  static std::string call_subject(const std::string& endpoint, const std::vector<std::string>& texts);
  // A failed answer, kept when the counter observes (a capture's failure line).
  void observe(const std::string& endpoint, const std::vector<std::string>& texts, const engine::ApiStatus& status,
               bool apply_effect, const char* fault);

  TwitterConfig config_;
  engine::Clock& clock_;
  engine::Random& fault_rng_;
  engine::Random& audience_rng_;
  FaultCounter& counter_;
  TwitterScript script_;
  CallOrdinals ordinals_;
  int call_nth_ = 0;  // the current call's ordinal
  RateLimiter limiter_;
  EngagementBook book_;
  std::vector<TweetRecord> tweets_;
  std::unordered_map<std::string, std::size_t> index_by_id_;  // looked up, never walked
  // (author, text) -> when it was last posted, for the duplicate-content refusal.
  std::map<std::pair<std::string, std::string>, engine::TimePoint> last_text_at_;
  std::int64_t next_seq_ = 1;
};

}  // namespace clsim::mocks
