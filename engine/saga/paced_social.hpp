// The X API answers every call with its bucket's x-rate-limit-* headers. The
// engine keeps the last word of each bucket and, once a bucket has nothing left
// before its reset, answers the call itself with the 429 X would have sent instead
// of sending a request that can only be refused. Every caller already waits out a
// 429 until its reset, so pacing needs no change above this port; a request that
// cannot succeed still costs latency, and on the real API repeated 429s are what
// gets an app's access suspended.
//
// Several engines share an app's buckets, so one engine's view can be stale: it
// then meets a real 429, which the callers handle as before.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/ports/clock.hpp"
#include "engine/ports/hooks.hpp"
#include "engine/ports/social.hpp"

namespace clsim::engine {

class PacedSocial final : public Social {
 public:
  PacedSocial(Social& inner, Clock& clock, Hooks& hooks) : inner_(inner), clock_(clock), hooks_(hooks) {}

  void post_tweet(PostTweetRequest req, std::function<void(PostTweetResult)> done) override;
  void search_recent(SearchRequest req, std::function<void(SearchResult)> done) override;
  void lookup_metrics(std::vector<std::string> tweet_ids, std::function<void(MetricsResult)> done) override;
  void list_engagers(EngagersRequest req, std::function<void(EngagersPage)> done) override;

  struct Bucket {
    std::int64_t limit = -1;
    std::int64_t remaining = 0;
    TimePoint reset{};
  };
  // What the engine believes of a bucket now (nullopt: nothing known or past its reset).
  std::optional<Bucket> bucket(const std::string& key) const;
  // "POST /2/tweets alice" for a user's posts; the endpoint alone for app-wide reads.
  static std::string bucket_key(const char* endpoint, const std::string& user = {});

 private:
  // Shared with pending answers: an answer may arrive after the engine is gone.
  struct Buckets {
    std::map<std::string, Bucket> by_key;
    void note(const std::string& key, const ApiStatus& s);
  };
  // nullopt: send the call (one request of the bucket is now spoken for);
  // otherwise the reset to wait for.
  std::optional<TimePoint> take(const std::string& key);
  // Refuses here when the bucket is empty, else `call(answer)` with an answer that
  // notes the headers first.
  template <class R, class Call>
  void send(std::string key, const char* label, std::function<void(R)> done, Call&& call);

  Social& inner_;
  Clock& clock_;
  Hooks& hooks_;
  std::shared_ptr<Buckets> buckets_ = std::make_shared<Buckets>();
};

}  // namespace clsim::engine
