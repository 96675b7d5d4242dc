// Backoff for retrying a customer event: exponential in the attempt with "equal
// jitter" (uniform in [d/2, d]), so waits grow visibly yet never synchronise.
#pragma once
#include <algorithm>

#include "engine/core/distributions.hpp"
#include "engine/engine.hpp"

namespace clsim::engine {

// attempt >= 1: d = min(cap, base * factor^(attempt-1)); uniform in [d/2, d].
inline Duration rule_backoff(Random& r, const RuleRetryPolicy& p, int attempt) {
  std::int64_t d = p.base.count();
  for (int i = 1; i < attempt && d < p.cap.count(); ++i) d *= std::max(1, p.factor);
  d = std::min<std::int64_t>(d, p.cap.count());
  return Duration(uniform_range(r, d / 2, d));
}

}  // namespace clsim::engine
