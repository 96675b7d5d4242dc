// Social port: the subset of the X API v2 the engine uses, with its real
// outcomes. Every call completes exactly once on the engine's executor unless the
// engine crashes first. Results carry the HTTP status and RFC 7807 problem fields
// so the engine handles 403 duplicate content, 429 and 5xx as the real API sends them.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.hpp"

namespace clsim::engine {

enum class EngagementKind { like, retweet, quote, reply };
inline constexpr EngagementKind kEngagementKinds[] = {EngagementKind::like, EngagementKind::retweet,
                                                      EngagementKind::quote, EngagementKind::reply};
const char* to_string(EngagementKind k);
std::optional<EngagementKind> engagement_kind_from(std::string_view name);

struct ApiStatus {
  int http = 200;          // 0 when the request timed out (no response seen)
  std::string title;       // problem "title", e.g. "Forbidden", "Too Many Requests"
  std::string detail;      // problem "detail"
  // The endpoint's x-rate-limit-* headers, whenever the answer carries them (a 429
  // always sets the reset; the simulated adapter reports only that one).
  TimePoint rate_limit_reset{};            // x-rate-limit-reset (Unix seconds on the wire)
  std::int64_t rate_limit_limit = -1;      // x-rate-limit-limit; -1: not reported
  std::int64_t rate_limit_remaining = -1;  // x-rate-limit-remaining; -1: not reported

  bool ok() const { return http >= 200 && http < 300; }
  bool timed_out() const { return http == 0; }
  bool rate_limited() const { return http == 429; }
  bool server_error() const { return http >= 500; }
  // 403 "You are not allowed to create a Tweet with duplicate content."
  bool duplicate_content() const;
};

inline constexpr const char* kDuplicateContentDetail =
    "You are not allowed to create a Tweet with duplicate content.";

struct Tweet {
  std::string id;  // 1-19 digit string
  std::string text;
  std::string author;
  std::optional<std::string> in_reply_to;
};

struct PostTweetRequest {
  std::string account;  // the posting user (user-context auth)
  std::string text;     // <= 280 characters
  std::optional<std::string> in_reply_to;  // reply.in_reply_to_tweet_id
};
struct PostTweetResult {
  ApiStatus status;  // 201 on success
  Tweet tweet;
};

// GET /2/tweets/search/recent with `from:<account> "<phrase>"`. Recent search lags:
// a tweet may be missing for ~30 s after it was created.
struct SearchRequest {
  std::string account;
  std::string phrase;
};
struct SearchResult {
  ApiStatus status;
  std::vector<Tweet> tweets;
};

struct TweetMetrics {
  std::string tweet_id;
  std::int64_t like_count = 0, retweet_count = 0, quote_count = 0, reply_count = 0;
};
// GET /2/tweets?ids=...&tweet.fields=public_metrics, at most 100 ids.
struct MetricsResult {
  ApiStatus status;
  std::vector<TweetMetrics> metrics;
};

// liking_users / retweeted_by / quote_tweets / search conversation_id (replies).
struct EngagersRequest {
  std::string tweet_id;
  EngagementKind kind = EngagementKind::like;
  std::optional<std::string> pagination_token;
  int max_results = 100;
};
struct EngagersPage {
  ApiStatus status;
  std::vector<std::string> user_ids;
  std::optional<std::string> next_token;
};

// X's endpoints as the API documents them: the `payload.endpoint` of a logged
// twitter:request:v1:failed line and the key of a rate-limit bucket.
inline constexpr const char* kPostTweets = "POST /2/tweets";
inline constexpr const char* kSearchRecent = "GET /2/tweets/search/recent";
inline constexpr const char* kTweetsLookup = "GET /2/tweets";
inline constexpr const char* kLikingUsers = "GET /2/tweets/:id/liking_users";
inline constexpr const char* kRetweetedBy = "GET /2/tweets/:id/retweeted_by";
inline constexpr const char* kQuoteTweets = "GET /2/tweets/:id/quote_tweets";
// The endpoint an engager list of `kind` reads (replies: a conversation search).
const char* engagers_endpoint(EngagementKind kind);

inline constexpr int kMetricsBatchMax = 100;
inline constexpr int kTweetTextMax = 280;

class Social {
 public:
  virtual ~Social() = default;
  virtual void post_tweet(PostTweetRequest req, std::function<void(PostTweetResult)> done) = 0;
  virtual void search_recent(SearchRequest req, std::function<void(SearchResult)> done) = 0;
  virtual void lookup_metrics(std::vector<std::string> tweet_ids, std::function<void(MetricsResult)> done) = 0;
  virtual void list_engagers(EngagersRequest req, std::function<void(EngagersPage)> done) = 0;
};

}  // namespace clsim::engine
