#include "sim/swarm/swarm_seeds.hpp"

#include <stdexcept>

namespace clsim::sim {

namespace {

std::uint64_t number(const std::string& what, const std::string& text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument(what + ": expected a non-negative integer, got '" + text + "'");
  return std::stoull(text);
}

}  // namespace

void parse_seed_range(const std::string& text, SeedSelection& into) {
  const auto dots = text.find("..");
  if (dots == std::string::npos) throw std::invalid_argument("--seeds expects A..B, got '" + text + "'");
  const std::uint64_t a = number("--seeds", text.substr(0, dots));
  const std::uint64_t b = number("--seeds", text.substr(dots + 2));
  if (a > b) throw std::invalid_argument("--seeds A..B needs A <= B, got '" + text + "'");
  into.first = a;
  into.last = b;
}

void parse_shard(const std::string& text, SeedSelection& into) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw std::invalid_argument("--shard expects I/N, got '" + text + "'");
  const std::uint64_t i = number("--shard", text.substr(0, slash));
  const std::uint64_t n = number("--shard", text.substr(slash + 1));
  if (n == 0 || i >= n) throw std::invalid_argument("--shard I/N needs 0 <= I < N, got '" + text + "'");
  into.shard_index = i;
  into.shard_count = n;
}

std::vector<std::uint64_t> select_seeds(const SeedSelection& s) {
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = s.first;; ++seed) {
    if ((seed - s.first) % s.shard_count == s.shard_index) seeds.push_back(seed);
    if (seed == s.last) break;
  }
  return seeds;
}

}  // namespace clsim::sim
