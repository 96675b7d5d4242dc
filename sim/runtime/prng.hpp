// Seeded randomness: xoshiro256** seeded through splitmix64. A world hands each
// component its own named stream (seed + name), so a new draw in one mock never
// shifts another's sequence.
#pragma once
#include <cstdint>
#include <string_view>

#include "engine/ports/random.hpp"

namespace clsim::sim {

std::uint64_t splitmix64(std::uint64_t& state);
// 64-bit FNV-1a.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL);

class Prng final : public engine::Random {
 public:
  explicit Prng(std::uint64_t seed);
  // The stream named `name` of world seed `seed`.
  static Prng stream(std::uint64_t seed, std::string_view name);
  std::uint64_t next_u64() override;

 private:
  std::uint64_t s_[4];
};

}  // namespace clsim::sim
