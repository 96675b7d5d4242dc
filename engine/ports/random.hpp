// Random port: the engine's only source of randomness (retry jitter, ids).
// Simulation gives each component its own seeded stream; production seeds once
// from OS entropy. Distributions live in core/distributions.hpp, never <random>'s,
// whose outputs differ between standard libraries.
#pragma once
#include <cstdint>

namespace clsim::engine {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;
};

}  // namespace clsim::engine
