// Latency samples and the figures the live bench quotes (p50, p99, max), in
// microseconds; a sorted copy per summary, since the bench summarises a few times.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace clsim::live_bench {

struct Summary {
  std::size_t count = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

inline Summary summarize(std::vector<std::int64_t> us) {
  Summary s;
  s.count = us.size();
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  const auto at = [&](double q) { return double(us[std::min(us.size() - 1, std::size_t(q * double(us.size())))]) / 1e3; };
  s.p50_ms = at(0.50);
  s.p99_ms = at(0.99);
  s.max_ms = double(us.back()) / 1e3;
  return s;
}

inline nlohmann::json to_json(const Summary& s) {
  return {{"count", s.count}, {"p50_ms", s.p50_ms}, {"p99_ms", s.p99_ms}, {"max_ms", s.max_ms}};
}

}  // namespace clsim::live_bench
