#include "sim/disk/sqlite_prng.hpp"

#include <sqlite3.h>

#include "engine/store/sqlite_db.hpp"
#include "sim/runtime/prng.hpp"

namespace clsim::sim {

bool reseed_sqlite_prng(std::uint64_t world_seed) {
  std::uint64_t state = world_seed ^ 0x73716c6974652d31ULL;  // "sqlite-1": its own stream
  std::uint32_t seed32 = std::uint32_t(splitmix64(state) >> 32);
  if (seed32 == 0) seed32 = 1;
  engine::configure_sqlite();
  // With a null db the seed is used as given (a db would substitute its schema cookie).
  const int rc = sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, int(seed32), static_cast<sqlite3*>(nullptr));
  return rc == SQLITE_OK;
}

}  // namespace clsim::sim
