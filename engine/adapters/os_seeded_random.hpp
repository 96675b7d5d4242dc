// The production Random: the engine's xoshiro256** seeded once from the operating
// system's entropy at start. The seed is kept so a service can log it and write
// it into its capture; a replay of that capture draws the same jitter.
#pragma once
#include <cstdint>
#include <random>

#include "engine/core/xoshiro.hpp"

namespace clsim::engine {

class OsSeededRandom final : public Random {
 public:
  OsSeededRandom() : OsSeededRandom(os_seed()) {}
  explicit OsSeededRandom(std::uint64_t seed) : seed_(seed), prng_(seed) {}
  std::uint64_t seed() const { return seed_; }
  std::uint64_t next_u64() override { return prng_.next_u64(); }

 private:
  // 63 bits: a capture's world line carries the seed, and readers of JSON take
  // integers as signed 64-bit.
  static std::uint64_t os_seed() {
    std::random_device rd;  // clsim-allow-nondeterminism: production adapter, read once
    return ((std::uint64_t(rd()) << 32) ^ std::uint64_t(rd())) >> 1;
  }
  std::uint64_t seed_;
  Xoshiro256 prng_;
};

}  // namespace clsim::engine
