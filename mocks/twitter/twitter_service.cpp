// The gate every call passes (scripted failures, usage cap, rate limits, injected
// faults), tweet creation with its refusals, and introspection. The read
// endpoints are in twitter_reads.cpp.
#include "mocks/twitter/twitter_service.hpp"

#include <algorithm>

#include "engine/core/distributions.hpp"
#include "engine/names.hpp"
#include "mocks/twitter/problems.hpp"

namespace clsim::mocks {

namespace {
constexpr std::int64_t kDayUs = 86400LL * 1'000'000;

// The campaigns whose markers the texts carry, in order, each once.
std::vector<std::string> campaigns_of(const std::vector<std::string>& texts) {
  std::vector<std::string> seen;
  for (const auto& t : texts) {
    std::string id = engine::campaign_of_marker(t);
    if (!id.empty() && std::find(seen.begin(), seen.end(), id) == seen.end()) seen.push_back(std::move(id));
  }
  return seen;
}
}  // namespace

std::string TwitterService::call_subject(const std::string& endpoint, const std::vector<std::string>& texts) {
  std::string out = endpoint;
  const auto ids = campaigns_of(texts);
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i == 0 ? " " : ",") + ids[i];
  return out;
}

void TwitterService::observe(const std::string& endpoint, const std::vector<std::string>& texts,
                             const engine::ApiStatus& status, bool apply_effect, const char* fault) {
  if (!counter_.observing()) return;
  ObservedFailure f;
  f.at = clock_.now();
  f.service = "twitter";
  f.endpoint = endpoint;
  // One campaign names the call; a batch of several names none (as the live capture).
  if (const auto ids = campaigns_of(texts); ids.size() == 1) f.campaign = ids.front();
  f.status = status;
  f.apply_effect = apply_effect;
  if (fault) f.fault = std::string("twitter_") + fault;
  f.call_nth = call_nth_;
  counter_.note_failure(std::move(f));
}

TwitterService::TwitterService(TwitterConfig config, engine::Clock& clock, engine::Random& fault_rng,
                               engine::Random& audience_rng, FaultCounter& counter)
    : config_(std::move(config)), clock_(clock), fault_rng_(fault_rng), audience_rng_(audience_rng),
      counter_(counter) {}

TwitterService::Gate TwitterService::gate(const std::string& endpoint, const std::string& user,
                                          const CallTexts& texts) {
  const auto now = clock_.now();
  const auto& f = config_.faults;
  Gate g;
  if (counter_.tracking()) g.subject = call_subject(endpoint, texts.get());
  call_nth_ = ordinals_.next(endpoint, now);
  if (auto scripted = script_.pending() ? script_.take(endpoint, texts.get(), now, call_nth_) : std::nullopt) {
    count("scripted");
    if (!scripted->fault.empty() && counter_.scheduled()) {
      counter_.force_next(scripted->fault);
      g.logged = scripted->status;
    } else {
      (scripted->apply_effect ? g.after_effect : g.refuse) = scripted->status;
      if (g.refuse) return g;
    }
  }
  if (f.usage_cap) {
    // The cap is on a calendar period, independent of the 15-minute windows.
    count("usage_capped");
    g.refuse = problems::usage_capped(engine::from_us((engine::to_us(now) / kDayUs + 1) * kDayUs));
    observe(endpoint, texts.get(), *g.refuse, false, nullptr);
    return g;
  }
  if (f.rate_limit) {
    const auto d = limiter_.admit(config_.rate_limits, endpoint, user, now);
    if (!d.allowed) {
      count("rate_limited");
      g.refuse = problems::too_many_requests(d.reset);
      observe(endpoint, texts.get(), *g.refuse, false, nullptr);
      return g;
    }
  }
  const char* fired = nullptr;
  if (roll(f.unauthorized_rate, "unauthorized", g.subject)) {
    g.refuse = problems::unauthorized();
    fired = "unauthorized";
  } else if (roll(f.forbidden_rate, "forbidden", g.subject)) {
    g.refuse = problems::client_forbidden();
    fired = "forbidden";
  } else if (roll(f.timeout_rate, "timeout", g.subject)) {
    g.refuse = problems::timed_out();
    fired = "timeout";
  } else if (roll(f.error_rate, "error", g.subject)) {
    g.refuse = injected_server_error();
    fired = "error";
  }
  if (!fired) return g;
  count(fired);
  if (g.logged) g.refuse = *g.logged;
  observe(endpoint, texts.get(), *g.refuse, false, fired);
  return g;
}

engine::ApiStatus TwitterService::injected_server_error() {
  constexpr int kCodes[] = {500, 502, 503, 504};
  return problems::server_error(kCodes[engine::choice(fault_rng_, 4)]);
}

engine::Duration TwitterService::latency_for(const engine::ApiStatus& status) {
  const auto& f = config_.faults;
  if (status.timed_out()) return f.timeout_delay;
  return engine::Duration(engine::uniform_range(fault_rng_, engine::to_us(f.latency_min),
                                                std::max(engine::to_us(f.latency_min), engine::to_us(f.latency_max))));
}

std::optional<engine::ApiStatus> TwitterService::validate_post(const engine::PostTweetRequest& req) const {
  if (req.account.empty()) return problems::unauthorized();
  const int length = tweet_weighted_length(req.text, config_.weight_urls);
  if (length == 0) return problems::invalid_request("The `text` field is required and must not be empty.");
  if (length > engine::kTweetTextMax) return problems::forbidden("Your Tweet text is too long.");
  if (req.in_reply_to && !find_tweet(*req.in_reply_to))
    return problems::invalid_request("The `in_reply_to_tweet_id` field does not refer to an existing Tweet.");
  return std::nullopt;
}

bool TwitterService::is_duplicate(const engine::PostTweetRequest& req, engine::TimePoint now) const {
  auto it = last_text_at_.find({req.account, req.text});
  return it != last_text_at_.end() && now - it->second < config_.duplicate_window;
}

const TweetRecord& TwitterService::create(const engine::PostTweetRequest& req, engine::TimePoint now) {
  TweetRecord r;
  r.tweet.id = std::to_string(config_.id_base + next_seq_++);
  r.tweet.text = req.text;
  r.tweet.author = req.account;
  r.tweet.in_reply_to = req.in_reply_to;
  r.created_at = now;
  index_by_id_[r.tweet.id] = tweets_.size();
  last_text_at_[{req.account, req.text}] = now;
  tweets_.push_back(std::move(r));
  // Only a campaign's first tweet draws an audience; the thread reply does not.
  if (!req.in_reply_to) book_.generate(tweets_.back().tweet.id, now, config_.audience, audience_rng_);
  return tweets_.back();
}

TwitterReply<engine::PostTweetResult> TwitterService::post_tweet(const engine::PostTweetRequest& req) {
  const auto now = clock_.now();
  const auto& f = config_.faults;
  engine::PostTweetResult out;
  const Gate g = gate(kPostTweets, req.account, CallTexts({req.text}));
  if (g.refuse) {
    out.status = *g.refuse;
    return reply(std::move(out));
  }
  if (auto invalid = validate_post(req)) {
    out.status = *invalid;
    return reply(std::move(out));
  }
  if (req.in_reply_to && roll(f.reply_rejected_rate, "reply_rejected", g.subject)) {
    count("reply_rejected");
    out.status = g.logged ? *g.logged : problems::forbidden(config_.reply_rejected_detail);
    observe(kPostTweets, {req.text}, out.status, false, "reply_rejected");
    return reply(std::move(out));
  }
  if (is_duplicate(req, now)) {
    count("duplicate_refused");
    out.status = problems::duplicate_content();
    return reply(std::move(out));
  }
  out.tweet = create(req, now).tweet;
  out.status = problems::created();
  // From here on the tweet exists whatever the caller hears: a retry meets the 403.
  const char* fired = nullptr;
  if (g.after_effect) {
    out.status = *g.after_effect;
  } else if (roll(f.timeout_after_create_rate, "timeout_after_create", g.subject)) {
    out.status = problems::timed_out();
    fired = "timeout_after_create";
  } else if (roll(f.error_after_create_rate, "error_after_create", g.subject)) {
    out.status = injected_server_error();
    fired = "error_after_create";
  }
  if (fired) {
    count(fired);
    if (g.logged) out.status = *g.logged;
    observe(kPostTweets, {req.text}, out.status, true, fired);
  }
  if (!out.status.ok()) out.tweet = engine::Tweet{};
  return reply(std::move(out));
}

bool TwitterService::add_engagement(const std::string& tweet_id, const std::string& user,
                                    engine::EngagementKind kind, engine::TimePoint at) {
  if (!find_tweet(tweet_id)) return false;
  return book_.add(tweet_id, user, kind, at);
}

std::vector<TweetRecord> TwitterService::tweets_containing(std::string_view marker) const {
  std::vector<TweetRecord> out;
  for (const auto& t : tweets_)
    if (t.tweet.text.find(marker) != std::string::npos) out.push_back(t);
  return out;
}

const TweetRecord* TwitterService::find_tweet(const std::string& id) const {
  auto it = index_by_id_.find(id);
  return it == index_by_id_.end() ? nullptr : &tweets_[it->second];
}

std::int64_t TwitterService::rate_limit_remaining(const std::string& endpoint, const std::string& user) const {
  return limiter_.remaining(config_.rate_limits, endpoint, user, clock_.now());
}

std::optional<RateLimiter::Quota> TwitterService::rate_limit_quota(const std::string& endpoint,
                                                                   const std::string& user) const {
  return limiter_.quota(config_.rate_limits, endpoint, user, clock_.now());
}

void TwitterService::stamp_rate_limit(engine::ApiStatus& s, const std::string& endpoint,
                                      const std::string& user) const {
  if (s.timed_out()) return;
  const auto quota = rate_limit_quota(endpoint, user);
  if (!quota) return;
  s.rate_limit_limit = quota->limit;
  s.rate_limit_remaining = quota->remaining;
  if (!s.rate_limited()) {
    s.rate_limit_reset = quota->reset;
  } else if (s.title == "Too Many Requests") {
    s.rate_limit_remaining = 0;  // a usage cap is another limit: the window's count stands
  }
}

std::vector<std::string> TwitterService::texts_of(const std::vector<std::string>& tweet_ids) const {
  std::vector<std::string> out;
  for (const auto& id : tweet_ids)
    if (const auto* t = find_tweet(id)) out.push_back(t->tweet.text);
  return out;
}

}  // namespace clsim::mocks
