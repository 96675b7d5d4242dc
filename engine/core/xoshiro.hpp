// xoshiro256** seeded through splitmix64: the project's one PRNG, fixed across
// standard libraries. The simulator derives named streams from it (sim::Prng);
// production seeds one from the operating system (adapters/os_seeded_random).
#pragma once
#include <cstdint>

#include "engine/ports/random.hpp"

namespace clsim::engine {

std::uint64_t splitmix64(std::uint64_t& state);

class Xoshiro256 : public Random {
 public:
  explicit Xoshiro256(std::uint64_t seed);
  std::uint64_t next_u64() override;

 private:
  std::uint64_t s_[4];
};

}  // namespace clsim::engine
