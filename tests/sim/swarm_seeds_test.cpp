// Seed selection for clsim swarm: inclusive ranges, disjoint shards, usage errors.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "sim/swarm/swarm_seeds.hpp"

namespace {

using clsim::sim::SeedSelection;

TEST(SwarmSeeds, RangeIsInclusive) {
  SeedSelection s;
  clsim::sim::parse_seed_range("5..8", s);
  EXPECT_EQ(clsim::sim::select_seeds(s), (std::vector<std::uint64_t>{5, 6, 7, 8}));
}

TEST(SwarmSeeds, ShardsAreDisjointAndCoverTheRange) {
  std::multiset<std::uint64_t> all;
  for (std::uint64_t i = 0; i < 3; ++i) {
    SeedSelection s;
    clsim::sim::parse_seed_range("10..20", s);
    clsim::sim::parse_shard(std::to_string(i) + "/3", s);
    for (auto seed : clsim::sim::select_seeds(s)) {
      EXPECT_EQ((seed - 10) % 3, i);
      all.insert(seed);
    }
  }
  EXPECT_EQ(all.size(), 11u);
  EXPECT_EQ(std::set<std::uint64_t>(all.begin(), all.end()).size(), 11u);
}

TEST(SwarmSeeds, ShardMayBeEmptyWhenThereAreMoreShardsThanSeeds) {
  SeedSelection s;
  clsim::sim::parse_seed_range("1..2", s);
  clsim::sim::parse_shard("3/4", s);
  EXPECT_TRUE(clsim::sim::select_seeds(s).empty());
}

TEST(SwarmSeeds, BadRangesAndShardsAreRefused) {
  SeedSelection s;
  EXPECT_THROW(clsim::sim::parse_seed_range("9..3", s), std::invalid_argument);
  EXPECT_THROW(clsim::sim::parse_seed_range("1-3", s), std::invalid_argument);
  EXPECT_THROW(clsim::sim::parse_seed_range("a..3", s), std::invalid_argument);
  EXPECT_THROW(clsim::sim::parse_shard("2/2", s), std::invalid_argument);
  EXPECT_THROW(clsim::sim::parse_shard("0/0", s), std::invalid_argument);
  EXPECT_THROW(clsim::sim::parse_shard("1", s), std::invalid_argument);
}

}  // namespace
