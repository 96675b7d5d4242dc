#include "engine/saga/paced_social.hpp"

#include <algorithm>

namespace clsim::engine {

namespace {
constexpr const char* kPacedDetail = "Not sent: x-rate-limit-remaining was 0 until x-rate-limit-reset";
}  // namespace

std::string PacedSocial::bucket_key(const char* endpoint, const std::string& user) {
  return user.empty() ? std::string(endpoint) : std::string(endpoint) + " " + user;
}

void PacedSocial::Buckets::note(const std::string& key, const ApiStatus& s) {
  if (s.timed_out() || s.rate_limit_remaining < 0 || s.rate_limit_reset == TimePoint{}) return;
  const Bucket heard{s.rate_limit_limit, s.rate_limit_remaining, s.rate_limit_reset};
  auto [it, fresh] = by_key.try_emplace(key, heard);
  if (fresh) return;
  Bucket& b = it->second;
  if (heard.reset > b.reset) {
    b = heard;  // a later window (or a tighter rule of the endpoint)
  } else if (heard.reset == b.reset) {
    // Answers of calls in flight together come back in any order: the smallest
    // count is the latest word on the window, and requests we sent since are in it.
    b.remaining = std::min(b.remaining, heard.remaining);
  }
}

std::optional<PacedSocial::Bucket> PacedSocial::bucket(const std::string& key) const {
  const auto it = buckets_->by_key.find(key);
  if (it == buckets_->by_key.end() || clock_.now() >= it->second.reset) return std::nullopt;
  return it->second;
}

std::optional<TimePoint> PacedSocial::take(const std::string& key) {
  const auto it = buckets_->by_key.find(key);
  if (it == buckets_->by_key.end()) return std::nullopt;
  Bucket& b = it->second;
  if (clock_.now() >= b.reset) {
    buckets_->by_key.erase(it);  // the window is over: the next answer says how the new one stands
    return std::nullopt;
  }
  if (b.remaining > 0) {
    --b.remaining;
    return std::nullopt;
  }
  return b.reset;
}

template <class R, class Call>
void PacedSocial::send(std::string key, const char* label, std::function<void(R)> done, Call&& call) {
  if (const auto reset = take(key)) {
    CLSIM_SOMETIMES(hooks_, "x_call_paced_before_429");
    R refused;
    refused.status.http = 429;
    refused.status.title = "Too Many Requests";
    refused.status.detail = kPacedDetail;
    refused.status.rate_limit_reset = *reset;
    refused.status.rate_limit_remaining = 0;
    // Answered on the executor, never from inside the call, as every port answers.
    clock_.start_wait(Duration(0), TimerKind::foreground, label,
                      [refused = std::move(refused), done = std::move(done)](boost::system::error_code ec) {
                        if (!ec) done(refused);
                      });
    return;
  }
  call([buckets = buckets_, key = std::move(key), done = std::move(done)](R r) {
    buckets->note(key, r.status);
    done(std::move(r));
  });
}

void PacedSocial::post_tweet(PostTweetRequest req, std::function<void(PostTweetResult)> done) {
  auto key = bucket_key(kPostTweets, req.account);
  send<PostTweetResult>(std::move(key), "x_paced:post_tweet", std::move(done),
                        [&](auto answer) { inner_.post_tweet(std::move(req), std::move(answer)); });
}

void PacedSocial::search_recent(SearchRequest req, std::function<void(SearchResult)> done) {
  send<SearchResult>(bucket_key(kSearchRecent), "x_paced:search_recent", std::move(done),
                     [&](auto answer) { inner_.search_recent(std::move(req), std::move(answer)); });
}

void PacedSocial::lookup_metrics(std::vector<std::string> tweet_ids, std::function<void(MetricsResult)> done) {
  send<MetricsResult>(bucket_key(kTweetsLookup), "x_paced:lookup_metrics", std::move(done),
                      [&](auto answer) { inner_.lookup_metrics(std::move(tweet_ids), std::move(answer)); });
}

void PacedSocial::list_engagers(EngagersRequest req, std::function<void(EngagersPage)> done) {
  auto key = bucket_key(engagers_endpoint(req.kind));
  send<EngagersPage>(std::move(key), "x_paced:list_engagers", std::move(done),
                     [&](auto answer) { inner_.list_engagers(std::move(req), std::move(answer)); });
}

}  // namespace clsim::engine
