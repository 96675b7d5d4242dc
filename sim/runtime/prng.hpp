// Seeded randomness for a world: the engine's xoshiro256** (engine/core/xoshiro),
// one named stream per component (seed + name), so a new draw in one mock never
// shifts another's sequence.
#pragma once
#include <cstdint>
#include <string_view>

#include "engine/core/xoshiro.hpp"

namespace clsim::sim {

using engine::splitmix64;
// 64-bit FNV-1a.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL);

class Prng final : public engine::Xoshiro256 {
 public:
  explicit Prng(std::uint64_t seed) : Xoshiro256(seed) {}
  // The stream named `name` of world seed `seed`.
  static Prng stream(std::uint64_t seed, std::string_view name);
};

}  // namespace clsim::sim
