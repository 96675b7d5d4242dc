// Who engaged with which tweet, how and when, and the audience model that fills it:
// when a campaign's first tweet is created each audience user decides (from the
// audience stream) whether, when (exponential delay) and how to engage. Queries at
// time t see only engagements with time <= t, so no timers are needed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/time.hpp"
#include "engine/ports/random.hpp"
#include "engine/ports/social.hpp"
#include "mocks/twitter/twitter_config.hpp"

namespace clsim::mocks {

struct EngagementRecord {
  std::string user;
  engine::EngagementKind kind = engine::EngagementKind::like;
  engine::TimePoint at{};
  std::uint64_t seq = 0;  // insertion order; breaks ties of equal times
};

class EngagementBook {
 public:
  // False when this user already engaged with the tweet in this way.
  bool add(const std::string& tweet_id, const std::string& user, engine::EngagementKind kind, engine::TimePoint at);
  // Runs the audience model for a tweet created at `created`; returns how many engage.
  int generate(const std::string& tweet_id, engine::TimePoint created, const AudienceConfig& audience,
               engine::Random& rng);

  // Every engagement of the tweet (future ones included), in insertion order.
  const std::vector<EngagementRecord>& all(const std::string& tweet_id) const;
  // public_metrics counts as of `now`; none for a tweet that has no engagement.
  std::optional<engine::TweetMetrics> metrics(const std::string& tweet_id, engine::TimePoint now) const;
  // Engagements of `kind` with since <= at <= until, newest first (as X lists them).
  std::vector<EngagementRecord> visible(const std::string& tweet_id, engine::EngagementKind kind,
                                        engine::TimePoint since, engine::TimePoint until) const;

 private:
  struct Tweet {
    std::vector<EngagementRecord> records;  // insertion order
    // Times per kind, sorted: public_metrics is a binary search each, where counting
    // the whole list at every 5-minute poll was 9% of a simulated week.
    std::vector<std::int64_t> at_us[4];
  };
  std::unordered_map<std::string, Tweet> by_tweet_;  // looked up, never walked
  std::uint64_t next_seq_ = 0;
};

}  // namespace clsim::mocks
