#include "mocks/twitter/engagement_book.hpp"

#include <algorithm>

#include "engine/core/distributions.hpp"

namespace clsim::mocks {

bool EngagementBook::add(const std::string& tweet_id, const std::string& user, engine::EngagementKind kind,
                         engine::TimePoint at) {
  auto& tweet = by_tweet_[tweet_id];
  for (const auto& e : tweet.records)
    if (e.user == user && e.kind == kind) return false;
  tweet.records.push_back(EngagementRecord{user, kind, at, next_seq_++});
  auto& times = tweet.at_us[int(kind)];
  const std::int64_t at_us = engine::to_us(at);
  times.insert(std::upper_bound(times.begin(), times.end(), at_us), at_us);
  return true;
}

int EngagementBook::generate(const std::string& tweet_id, engine::TimePoint created, const AudienceConfig& audience,
                             engine::Random& rng) {
  using engine::EngagementKind;
  const std::int64_t weights[] = {audience.like_weight, audience.retweet_weight, audience.quote_weight,
                                  audience.reply_weight};
  std::int64_t total = 0;
  for (auto w : weights) total += w;
  if (!audience.enabled || audience.users <= 0 || total <= 0) return 0;
  int engaged = 0;
  // A fixed number of draws per user in user order, so user k's choice depends only
  // on the seed and the tweets before, never on other users' outcomes.
  for (int i = 1; i <= audience.users; ++i) {
    const bool engages = engine::unit_double(rng) < audience.engage_probability;
    const engine::Duration delay = engine::exponential(rng, audience.mean_delay);
    std::int64_t pick = std::int64_t(engine::uniform_below(rng, std::uint64_t(total)));
    if (!engages || delay > audience.horizon) continue;
    std::size_t k = 0;
    while (pick >= weights[k]) pick -= weights[k++];
    if (add(tweet_id, "u-" + std::to_string(i), engine::kEngagementKinds[k], created + delay)) ++engaged;
  }
  return engaged;
}

const std::vector<EngagementRecord>& EngagementBook::all(const std::string& tweet_id) const {
  static const std::vector<EngagementRecord> kNone;
  auto it = by_tweet_.find(tweet_id);
  return it == by_tweet_.end() ? kNone : it->second.records;
}

std::optional<engine::TweetMetrics> EngagementBook::metrics(const std::string& tweet_id, engine::TimePoint now) const {
  auto it = by_tweet_.find(tweet_id);
  if (it == by_tweet_.end()) return std::nullopt;
  engine::TweetMetrics m;
  m.tweet_id = tweet_id;
  const std::int64_t now_us = engine::to_us(now);
  auto upto = [&](engine::EngagementKind k) {
    const auto& v = it->second.at_us[int(k)];
    return std::int64_t(std::upper_bound(v.begin(), v.end(), now_us) - v.begin());
  };
  m.like_count = upto(engine::EngagementKind::like);
  m.retweet_count = upto(engine::EngagementKind::retweet);
  m.quote_count = upto(engine::EngagementKind::quote);
  m.reply_count = upto(engine::EngagementKind::reply);
  return m;
}

std::vector<EngagementRecord> EngagementBook::visible(const std::string& tweet_id, engine::EngagementKind kind,
                                                      engine::TimePoint since, engine::TimePoint until) const {
  std::vector<EngagementRecord> out;
  for (const auto& e : all(tweet_id))
    if (e.kind == kind && e.at >= since && e.at <= until) out.push_back(e);
  std::sort(out.begin(), out.end(), [](const EngagementRecord& a, const EngagementRecord& b) {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  });
  return out;
}

}  // namespace clsim::mocks
