// Time on the engine's clock: integer microseconds since the Unix epoch.
// The clock itself is a port (ports/clock.hpp); this type has no now() on purpose,
// so no code can read the wall clock through it.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace clsim::engine {

using Duration = std::chrono::microseconds;

struct EpochClock {
  using rep = std::int64_t;
  using period = std::micro;
  using duration = Duration;
  using time_point = std::chrono::time_point<EpochClock, Duration>;
  static constexpr bool is_steady = true;
};

using TimePoint = EpochClock::time_point;

constexpr std::int64_t to_us(TimePoint t) { return t.time_since_epoch().count(); }
constexpr std::int64_t to_us(Duration d) { return d.count(); }
constexpr TimePoint from_us(std::int64_t us) { return TimePoint(Duration(us)); }

// 2025-01-01T00:00:00Z, where every simulated world starts unless told otherwise.
inline constexpr std::int64_t kDefaultStartUs = 1735689600LL * 1000000LL;

// Parses RFC 3339 ("...Z" or "+hh:mm" offsets, optional fraction). False on error.
bool parse_rfc3339(const std::string& text, TimePoint& out);

}  // namespace clsim::engine
