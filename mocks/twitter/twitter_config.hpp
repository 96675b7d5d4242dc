// Configuration of the mock X API v2: the fault knobs (`world.faults.twitter`,
// replaceable mid-run), the audience model (`world.audience`) and the fixed facts
// of the service (rate-limit table, duplicate window, search lag) from docs/FIDELITY.md §1.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"
#include "engine/ports/social.hpp"

namespace clsim::mocks {

// X's endpoint names (engine/ports/social.hpp), as the mock's code spells them.
using engine::kLikingUsers;
using engine::kPostTweets;
using engine::kQuoteTweets;
using engine::kRetweetedBy;
using engine::kSearchRecent;
using engine::kTweetsLookup;

// All rates are probabilities per call; all off by default except latency.
struct TwitterFaults {
  double error_rate = 0;                 // 500/502/503/504, no effect
  double timeout_rate = 0;               // http 0 after timeout_delay, no effect
  double timeout_after_create_rate = 0;  // POST: tweet created, answer is a timeout
  bool rate_limit = false;               // apply TwitterConfig::rate_limits (429)
  engine::Duration latency_min = engine::Duration(50'000);
  engine::Duration latency_max = engine::Duration(400'000);
  // Extra knobs (docs/FIDELITY.md "Faults a faithful mock can produce"), default off.
  double error_after_create_rate = 0;  // POST: tweet created, answer is a 5xx
  double unauthorized_rate = 0;        // 401 Unauthorized
  double forbidden_rate = 0;           // 403 Client Forbidden (client-not-enrolled)
  double reply_rejected_rate = 0;      // POST with reply-to refused with 403
  double partial_result_rate = 0;      // metrics: 200 with one id missing (errors[])
  bool usage_cap = false;              // every call 429 UsageCapExceeded
  engine::Duration timeout_delay = engine::Duration(10'000'000);  // client deadline
};

// Simulated users "u-1".."u-<users>" who may engage with a campaign's first tweet.
struct AudienceConfig {
  bool enabled = true;  // off in a replay: engagements come from the log
  int users = 500;
  double engage_probability = 0.3;
  engine::Duration mean_delay = engine::Duration(2LL * 3600 * 1'000'000);  // exponential
  engine::Duration horizon = engine::Duration(7LL * 86400 * 1'000'000);   // later ones dropped
  // Relative weights of the kind an engaging user picks.
  std::int64_t like_weight = 60, retweet_weight = 20, quote_weight = 10, reply_weight = 10;
};

// One limit of one endpoint. A request passes only when every rule of its
// endpoint has quota; a window opens at the first request after the last reset.
struct RateLimitRule {
  std::string endpoint;
  bool per_user = false;  // keyed by the posting account; else one app-wide bucket
  std::int64_t limit = 0;
  engine::Duration window{};
};

struct TwitterConfig {
  TwitterFaults faults;
  AudienceConfig audience;
  std::vector<RateLimitRule> rate_limits = default_rate_limits();
  // Detection window of duplicate text by one author: unconfirmed upstream; 24 h.
  engine::Duration duplicate_window = engine::Duration(24LL * 3600 * 1'000'000);
  engine::Duration search_lag = engine::Duration(30'000'000);
  engine::Duration search_window = engine::Duration(7LL * 86400 * 1'000'000);
  int liking_users_cap = 100;
  bool weight_urls = true;  // a URL counts 23 characters
  std::int64_t id_base = 1'850'000'000'000'000'000LL;
  std::string reply_rejected_detail =
      "Reply to this conversation is not allowed because you have not been mentioned or "
      "otherwise engaged by the author of the post you are replying to.";

  // docs/FIDELITY.md §1 current values: POST 100/15 min per user and 10,000/24 h per app;
  // search 450/15 min (app auth; replies share it); engager lists 75/15 min each;
  // tweet lookup 300/15 min per app (the older documented app value; conservative).
  static std::vector<RateLimitRule> default_rate_limits();
};

// Merges a `faults.twitter` table (durations in microseconds) into `f`. Returns
// an empty string, or an error naming the key that is unknown or of the wrong type.
std::string merge_twitter_faults(TwitterFaults& f, const nlohmann::json& table);
// Merges a `world.audience` table: users, engage_probability, mean_delay, horizon,
// enabled, like_weight, retweet_weight, quote_weight, reply_weight.
std::string merge_audience(AudienceConfig& a, const nlohmann::json& table);

}  // namespace clsim::mocks
