// Per-endpoint rate-limit windows of the mock X API (429 with x-rate-limit-reset).
// A window opens at the first request after the previous reset and lasts the
// rule's window; the reset is whole epoch seconds, as the header carries it.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.hpp"
#include "mocks/twitter/twitter_config.hpp"

namespace clsim::mocks {

class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    engine::TimePoint reset{};  // when refused: the moment the refusing window resets
  };

  // Checks every rule of `endpoint` for `user`; counts the request only when all allow it.
  Decision admit(const std::vector<RateLimitRule>& rules, const std::string& endpoint, const std::string& user,
                 engine::TimePoint now);
  // Requests left in the window of the first matching rule (for tests); -1 if none applies.
  std::int64_t remaining(const std::vector<RateLimitRule>& rules, const std::string& endpoint,
                         const std::string& user, engine::TimePoint now) const;

  // What the x-rate-limit-* headers say for `endpoint` and `user` at `now`: of the
  // endpoint's rules, the one with the fewest requests left (the first listed on a
  // tie); a window not open yet is whole and resets one window ahead. nullopt when
  // no rule applies. A query: no window opens, nothing is counted.
  struct Quota {
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
    engine::TimePoint reset{};
  };
  std::optional<Quota> quota(const std::vector<RateLimitRule>& rules, const std::string& endpoint,
                             const std::string& user, engine::TimePoint now) const;

 private:
  struct Window {
    engine::TimePoint reset{};
    std::int64_t used = 0;
  };
  static std::string bucket_key(const RateLimitRule& rule, const std::string& user);

  std::map<std::string, Window> windows_;
};

}  // namespace clsim::mocks
