// Distribution helpers over the Random port. Each is exact integer or IEEE basic
// arithmetic only (no libm), so the same stream gives the same values on every
// machine and library version.
#pragma once
#include <cstddef>
#include <cstdint>

#include "engine/core/time.hpp"
#include "engine/ports/random.hpp"

namespace clsim::engine {

// Uniform in [0, n); n > 0. Rejection sampling, no modulo bias.
std::uint64_t uniform_below(Random& r, std::uint64_t n);
// Uniform in [lo, hi], inclusive; lo <= hi.
std::int64_t uniform_range(Random& r, std::int64_t lo, std::int64_t hi);
// Uniform in [0, 1) with 53 bits.
double unit_double(Random& r);
// True with probability p (p <= 0 never, p >= 1 always).
bool bernoulli(Random& r, double p);
// Exponential with the given mean, quantised to whole microseconds.
Duration exponential(Random& r, Duration mean);
// An index in [0, n); n > 0.
inline std::size_t choice(Random& r, std::size_t n) { return std::size_t(uniform_below(r, n)); }
// Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^attempt)].
Duration backoff_full_jitter(Random& r, Duration base, Duration cap, int attempt);
// Natural log computed with basic arithmetic only; x > 0.
double deterministic_ln(double x);

}  // namespace clsim::engine
