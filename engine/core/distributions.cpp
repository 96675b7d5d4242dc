#include "engine/core/distributions.hpp"

#include <cassert>

namespace clsim::engine {

std::uint64_t uniform_below(Random& r, std::uint64_t n) {
  assert(n > 0);
  // Largest multiple of n that fits; draws above it are rejected.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
  for (;;) {
    const std::uint64_t x = r.next_u64();
    if (x <= limit) return x % n;
  }
}

std::int64_t uniform_range(Random& r, std::int64_t lo, std::int64_t hi) {
  assert(lo <= hi);
  const std::uint64_t span = std::uint64_t(hi) - std::uint64_t(lo);
  if (span == UINT64_MAX) return std::int64_t(r.next_u64());
  return std::int64_t(std::uint64_t(lo) + uniform_below(r, span + 1));
}

double unit_double(Random& r) { return double(r.next_u64() >> 11) * 0x1.0p-53; }

bool bernoulli(Random& r, double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return unit_double(r) < p;
}

double deterministic_ln(double x) {
  assert(x > 0.0);
  // Reduce to m in [1, 2) by powers of two, then log2(m) bit by bit by squaring:
  // only multiplication and comparison, which IEEE 754 makes exact-to-the-bit.
  int exponent = 0;
  while (x >= 2.0) x *= 0.5, ++exponent;
  while (x < 1.0) x *= 2.0, --exponent;
  double frac = 0.0, bit = 0.5;
  for (int i = 0; i < 52; ++i) {
    x *= x;
    if (x >= 2.0) x *= 0.5, frac += bit;
    bit *= 0.5;
  }
  constexpr double kLn2 = 0.69314718055994530942;
  return (double(exponent) + frac) * kLn2;
}

Duration exponential(Random& r, Duration mean) {
  // 1 - u is in (0, 1], so the log is finite.
  const double u = 1.0 - unit_double(r);
  const double us = -deterministic_ln(u) * double(mean.count());
  return Duration(std::int64_t(us));
}

Duration backoff_full_jitter(Random& r, Duration base, Duration cap, int attempt) {
  std::int64_t ceiling = base.count();
  for (int i = 0; i < attempt && ceiling < cap.count(); ++i) ceiling *= 2;
  if (ceiling > cap.count()) ceiling = cap.count();
  return Duration(uniform_range(r, 0, ceiling));
}

}  // namespace clsim::engine
