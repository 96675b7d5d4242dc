#include "mocks/twitter/twitter_config.hpp"

#include "mocks/knob_reader.hpp"

namespace clsim::mocks {

namespace {
constexpr engine::Duration kFifteenMinutes = engine::Duration(15LL * 60 * 1'000'000);
constexpr engine::Duration kDay = engine::Duration(86400LL * 1'000'000);
}  // namespace

std::vector<RateLimitRule> TwitterConfig::default_rate_limits() {
  return {
      {kPostTweets, true, 100, kFifteenMinutes},
      {kPostTweets, false, 10'000, kDay},
      {kSearchRecent, false, 450, kFifteenMinutes},
      {kTweetsLookup, false, 300, kFifteenMinutes},
      {kLikingUsers, false, 75, kFifteenMinutes},
      {kRetweetedBy, false, 75, kFifteenMinutes},
      {kQuoteTweets, false, 75, kFifteenMinutes},
  };
}

std::string merge_twitter_faults(TwitterFaults& f, const nlohmann::json& table) {
  if (!table.is_object()) return "faults.twitter: expected a table";
  TwitterFaults next = f;
  for (const auto& [key, v] : table.items()) {
    std::string err;
    if (key == "error_rate") err = knobs::read(v, key, next.error_rate);
    else if (key == "timeout_rate") err = knobs::read(v, key, next.timeout_rate);
    else if (key == "timeout_after_create_rate") err = knobs::read(v, key, next.timeout_after_create_rate);
    else if (key == "rate_limit") err = knobs::read(v, key, next.rate_limit);
    else if (key == "latency_min") err = knobs::read(v, key, next.latency_min);
    else if (key == "latency_max") err = knobs::read(v, key, next.latency_max);
    else if (key == "error_after_create_rate") err = knobs::read(v, key, next.error_after_create_rate);
    else if (key == "unauthorized_rate") err = knobs::read(v, key, next.unauthorized_rate);
    else if (key == "forbidden_rate") err = knobs::read(v, key, next.forbidden_rate);
    else if (key == "reply_rejected_rate") err = knobs::read(v, key, next.reply_rejected_rate);
    else if (key == "partial_result_rate") err = knobs::read(v, key, next.partial_result_rate);
    else if (key == "usage_cap") err = knobs::read(v, key, next.usage_cap);
    else if (key == "timeout_delay") err = knobs::read(v, key, next.timeout_delay);
    else err = "faults.twitter: unknown key '" + key + "'";
    if (!err.empty()) return err;
  }
  if (next.latency_min > next.latency_max) return "faults.twitter: latency_min > latency_max";
  f = next;
  return {};
}

std::string merge_audience(AudienceConfig& a, const nlohmann::json& table) {
  if (!table.is_object()) return "audience: expected a table";
  AudienceConfig next = a;
  for (const auto& [key, v] : table.items()) {
    std::string err;
    if (key == "enabled") err = knobs::read(v, key, next.enabled);
    else if (key == "users") err = knobs::read(v, key, next.users);
    else if (key == "engage_probability") err = knobs::read(v, key, next.engage_probability);
    else if (key == "mean_delay") err = knobs::read(v, key, next.mean_delay);
    else if (key == "horizon") err = knobs::read(v, key, next.horizon);
    else if (key == "like_weight") err = knobs::read(v, key, next.like_weight);
    else if (key == "retweet_weight") err = knobs::read(v, key, next.retweet_weight);
    else if (key == "quote_weight") err = knobs::read(v, key, next.quote_weight);
    else if (key == "reply_weight") err = knobs::read(v, key, next.reply_weight);
    else err = "audience: unknown key '" + key + "'";
    if (!err.empty()) return err;
  }
  if (next.like_weight + next.retweet_weight + next.quote_weight + next.reply_weight <= 0)
    return "audience: the kind weights sum to 0";
  a = next;
  return {};
}

}  // namespace clsim::mocks
