// Which seeds a swarm runs: an inclusive range (--seeds A..B, or --count N for
// 1..N) cut into disjoint shards (--shard I/N takes the seeds s with
// (s - first) mod N == I), so CI matrix jobs and Kubernetes indexed jobs split it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace clsim::sim {

struct SeedSelection {
  std::uint64_t first = 1;
  std::uint64_t last = 100;
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
};

// "A..B" with A <= B. Throws std::invalid_argument saying what is wrong.
void parse_seed_range(const std::string& text, SeedSelection& into);
// "I/N" with N >= 1 and I < N. Throws std::invalid_argument.
void parse_shard(const std::string& text, SeedSelection& into);
// The selected seeds, ascending.
std::vector<std::uint64_t> select_seeds(const SeedSelection& s);

}  // namespace clsim::sim
