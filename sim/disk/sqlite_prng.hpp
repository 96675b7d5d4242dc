// SQLite keeps one PRNG per process (WAL salts, temporary names, random()).
// A world reseeds it from its own seed before opening any database, so the
// same seed gives the same bytes on the simulated disk.
#pragma once
#include <cstdint>

namespace clsim::sim {

// Calls sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, ...) with a non-zero
// 32-bit seed derived from `world_seed` (zero would mean "ask the default VFS",
// i.e. the OS). True when this SQLite build accepted it (Debian 12's 3.40 does).
// The PRNG is process-wide: two worlds stepping in one process interleave its
// stream, so only a world running alone gets reproducible salts.
bool reseed_sqlite_prng(std::uint64_t world_seed);

}  // namespace clsim::sim
