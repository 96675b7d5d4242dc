#include "mocks/twitter/rate_limiter.hpp"

#include <algorithm>

namespace clsim::mocks {

namespace {
engine::TimePoint ceil_to_second(engine::TimePoint t) {
  const std::int64_t us = engine::to_us(t);
  return engine::from_us((us + 999'999) / 1'000'000 * 1'000'000);
}
}  // namespace

std::string RateLimiter::bucket_key(const RateLimitRule& rule, const std::string& user) {
  return rule.endpoint + "|" + (rule.per_user ? "user:" + user : std::string("app")) + "|" +
         std::to_string(engine::to_us(rule.window));
}

RateLimiter::Decision RateLimiter::admit(const std::vector<RateLimitRule>& rules, const std::string& endpoint,
                                         const std::string& user, engine::TimePoint now) {
  Decision d;
  std::vector<Window*> counted;
  for (const auto& rule : rules) {
    if (rule.endpoint != endpoint) continue;
    Window& w = windows_[bucket_key(rule, user)];
    if (now >= w.reset) w = Window{ceil_to_second(now + rule.window), 0};
    if (w.used >= rule.limit) {
      d.allowed = false;
      if (w.reset > d.reset) d.reset = w.reset;
    }
    counted.push_back(&w);
  }
  if (d.allowed)
    for (Window* w : counted) ++w->used;
  return d;
}

std::int64_t RateLimiter::remaining(const std::vector<RateLimitRule>& rules, const std::string& endpoint,
                                    const std::string& user, engine::TimePoint now) const {
  for (const auto& rule : rules) {
    if (rule.endpoint != endpoint) continue;
    auto it = windows_.find(bucket_key(rule, user));
    if (it == windows_.end() || now >= it->second.reset) return rule.limit;
    return rule.limit - it->second.used;
  }
  return -1;
}

std::optional<RateLimiter::Quota> RateLimiter::quota(const std::vector<RateLimitRule>& rules,
                                                     const std::string& endpoint, const std::string& user,
                                                     engine::TimePoint now) const {
  std::optional<Quota> tightest;
  for (const auto& rule : rules) {
    if (rule.endpoint != endpoint) continue;
    Quota q{rule.limit, rule.limit, ceil_to_second(now + rule.window)};
    auto it = windows_.find(bucket_key(rule, user));
    if (it != windows_.end() && now < it->second.reset)
      q = Quota{rule.limit, std::max<std::int64_t>(0, rule.limit - it->second.used), it->second.reset};
    if (!tightest || q.remaining < tightest->remaining) tightest = q;
  }
  return tightest;
}

}  // namespace clsim::mocks
