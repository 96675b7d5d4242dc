// The read endpoints of the mock X API: recent search (lagging 30 s, 7 days deep),
// public metrics of up to 100 tweets, and paginated engager lists (liking_users
// capped at 100 per tweet; replies through the conversation search).
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "engine/core/distributions.hpp"
#include "mocks/twitter/problems.hpp"
#include "mocks/twitter/twitter_service.hpp"

namespace clsim::mocks {

namespace {

// An opaque-looking cursor naming the last engagement of the previous page, so a
// page boundary stays put while new engagements arrive at the top of the list.
std::string encode_token(const EngagementRecord& last) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)engine::to_us(last.at),
                (unsigned long long)last.seq);
  return buf;
}

bool decode_token(const std::string& token, std::int64_t& at_us, std::uint64_t& seq) {
  if (token.size() != 32) return false;
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  at_us = std::int64_t(std::strtoull(token.substr(0, 16).c_str(), nullptr, 16));
  seq = std::strtoull(token.substr(16).c_str(), nullptr, 16);
  return true;
}

// liking_users and retweeted_by take 1-100; quote_tweets and search take 10-100.
int min_results(engine::EngagementKind kind) {
  return kind == engine::EngagementKind::like || kind == engine::EngagementKind::retweet ? 1 : 10;
}

constexpr int kSearchPageMax = 100;

}  // namespace

TwitterReply<engine::SearchResult> TwitterService::search_recent(const engine::SearchRequest& req) {
  const auto now = clock_.now();
  engine::SearchResult out;
  const Gate g = gate(kSearchRecent, {}, CallTexts({req.phrase}));
  if (g.refuse) {
    out.status = *g.refuse;
    return reply(std::move(out));
  }
  // Without end_time the search ends 30 s before now and reaches back 7 days.
  const auto until = now - config_.search_lag;
  const auto since = now - config_.search_window;
  for (auto it = tweets_.rbegin(); it != tweets_.rend() && int(out.tweets.size()) < kSearchPageMax; ++it) {
    if (it->created_at > until || it->created_at < since) continue;
    if (it->tweet.author != req.account) continue;
    if (it->tweet.text.find(req.phrase) == std::string::npos) continue;
    out.tweets.push_back(it->tweet);
  }
  out.status = g.after_effect ? *g.after_effect : problems::ok();
  if (!out.status.ok()) out.tweets.clear();
  return reply(std::move(out));
}

TwitterReply<engine::MetricsResult> TwitterService::lookup_metrics(const std::vector<std::string>& tweet_ids) {
  const auto now = clock_.now();
  engine::MetricsResult out;
  const Gate g = gate(kTweetsLookup, {}, CallTexts(*this, tweet_ids));
  if (g.refuse) {
    out.status = *g.refuse;
    return reply(std::move(out));
  }
  if (tweet_ids.empty() || int(tweet_ids.size()) > engine::kMetricsBatchMax) {
    out.status = problems::invalid_request("The `ids` query parameter value must contain 1 to 100 ids.");
    return reply(std::move(out));
  }
  // Unknown ids are left out: the real answer is a 200 with errors[] beside data.
  // A tweet with engagements exists (add_engagement checks; nothing deletes one), so
  // only a tweet without any is looked for among the tweets: that second lookup
  // was two fifths of mock X's answer in a 10,000-campaign week.
  out.metrics.reserve(tweet_ids.size());
  for (const auto& id : tweet_ids) {
    if (auto m = book_.metrics(id, now)) {
      out.metrics.push_back(std::move(*m));
    } else if (find_tweet(id)) {
      out.metrics.emplace_back().tweet_id = id;
    }
  }
  if (!out.metrics.empty() && roll(config_.faults.partial_result_rate, "partial_result", g.subject)) {
    count("partial_result");
    out.metrics.erase(out.metrics.begin() + std::ptrdiff_t(engine::choice(fault_rng_, out.metrics.size())));
  }
  out.status = g.after_effect ? *g.after_effect : problems::ok();
  if (!out.status.ok()) out.metrics.clear();
  return reply(std::move(out));
}

TwitterReply<engine::EngagersPage> TwitterService::list_engagers(const engine::EngagersRequest& req) {
  const auto now = clock_.now();
  engine::EngagersPage out;
  const std::vector<std::string> ids{req.tweet_id};
  const Gate g = gate(engine::engagers_endpoint(req.kind), {}, CallTexts(*this, ids));
  if (g.refuse) {
    out.status = *g.refuse;
    return reply(std::move(out));
  }
  if (req.max_results < min_results(req.kind) || req.max_results > 100) {
    out.status = problems::invalid_request("The `max_results` query parameter value [" +
                                           std::to_string(req.max_results) + "] is not between " +
                                           std::to_string(min_results(req.kind)) + " and 100");
    return reply(std::move(out));
  }
  std::int64_t cursor_at_us = 0;
  std::uint64_t cursor_seq = 0;
  if (req.pagination_token && !decode_token(*req.pagination_token, cursor_at_us, cursor_seq)) {
    out.status = problems::invalid_request("The `pagination_token` query parameter value [" +
                                           *req.pagination_token + "] is not valid");
    return reply(std::move(out));
  }
  std::vector<EngagementRecord> list;
  if (req.kind == engine::EngagementKind::reply) {
    // Replies come from the conversation search, so they share its lag and depth.
    list = book_.visible(req.tweet_id, req.kind, now - config_.search_window, now - config_.search_lag);
  } else {
    list = book_.visible(req.tweet_id, req.kind, engine::TimePoint{}, now);
  }
  if (req.kind == engine::EngagementKind::like && int(list.size()) > config_.liking_users_cap)
    list.resize(std::size_t(config_.liking_users_cap));
  auto it = list.begin();
  if (req.pagination_token) {
    // Newest first: the next page starts just after (older than) the cursor.
    it = std::find_if(list.begin(), list.end(), [&](const EngagementRecord& e) {
      const auto at_us = engine::to_us(e.at);
      return at_us < cursor_at_us || (at_us == cursor_at_us && e.seq < cursor_seq);
    });
  }
  for (; it != list.end() && int(out.user_ids.size()) < req.max_results; ++it) out.user_ids.push_back(it->user);
  if (it != list.end() && !out.user_ids.empty()) out.next_token = encode_token(*std::prev(it));
  out.status = g.after_effect ? *g.after_effect : problems::ok();
  if (!out.status.ok()) {
    out.user_ids.clear();
    out.next_token.reset();
  }
  return reply(std::move(out));
}

}  // namespace clsim::mocks
