#include "sim/runtime/prng.hpp"

namespace clsim::sim {

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Prng Prng::stream(std::uint64_t seed, std::string_view name) { return Prng(seed ^ fnv1a64(name)); }

}  // namespace clsim::sim
