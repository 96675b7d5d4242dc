#include "sim/runtime/ddmin.hpp"

#include <algorithm>
#include <iterator>

namespace clsim::sim {

namespace {

std::vector<Indices> split(const Indices& c, std::size_t n) {
  std::vector<Indices> parts;
  std::size_t start = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t end = start + (c.size() - start) / (n - k);
    parts.emplace_back(c.begin() + std::ptrdiff_t(start), c.begin() + std::ptrdiff_t(end));
    start = end;
  }
  return parts;
}

Indices without(const Indices& c, const Indices& part) {
  Indices out;
  std::set_difference(c.begin(), c.end(), part.begin(), part.end(), std::back_inserter(out));
  return out;
}

}  // namespace

Indices ddmin(Indices c, const DdminHooks& hooks) {
  const auto close = [&](const Indices& s) { return hooks.closure ? hooks.closure(s) : s; };
  const auto smaller_fails = [&](const Indices& cand) { return cand.size() < c.size() && hooks.still_fails(cand); };
  std::size_t n = 2;
  while (c.size() >= 2) {
    if (hooks.give_up && hooks.give_up()) break;
    if (hooks.progress) hooks.progress(c.size(), n);
    bool reduced = false;
    const auto parts = split(c, std::min(n, c.size()));
    for (const auto& part : parts) {
      const auto cand = close(part);
      if (smaller_fails(cand)) {
        c = cand;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && parts.size() > 2) {
      for (const auto& part : parts) {
        const auto cand = close(without(c, part));
        if (smaller_fails(cand)) {
          c = cand;
          n = std::max<std::size_t>(parts.size() - 1, 2);
          reduced = true;
          break;
        }
      }
    }  // with two chunks the complements are the chunks themselves: already tried
    if (reduced) continue;
    if (n >= c.size()) break;
    n = std::min(n * 2, c.size());
  }
  // One element left: it may be unnecessary too (the failure needs nothing).
  if (c.size() == 1 && !(hooks.give_up && hooks.give_up()) && smaller_fails(close({}))) c = close({});
  return c;
}

}  // namespace clsim::sim
