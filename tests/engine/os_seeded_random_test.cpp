// The production Random: seeded once from the OS, and the seed it reports is the
// whole of its state, so a logged seed reproduces every draw.
#include <gtest/gtest.h>

#include "engine/adapters/os_seeded_random.hpp"

namespace clsim::engine {
namespace {

TEST(OsSeededRandom, ALoggedSeedReproducesEveryDraw) {
  OsSeededRandom live;
  OsSeededRandom again(live.seed());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(live.next_u64(), again.next_u64()) << "draw " << i;
}

TEST(OsSeededRandom, DrawsAreTheEnginesXoshiroStream) {
  OsSeededRandom r(42);
  Xoshiro256 x(42);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(r.next_u64(), x.next_u64());
  EXPECT_EQ(r.seed(), 42u);
}

TEST(OsSeededRandom, TwoServicesStartWithDifferentSeeds) {
  // 63 bits from the OS twice: equal only with probability 2^-63.
  EXPECT_NE(OsSeededRandom().seed(), OsSeededRandom().seed());
}

TEST(OsSeededRandom, SeedFitsASigned64BitJsonInteger) {
  // A capture's world line carries it; the replay reader takes signed 64-bit integers.
  for (int i = 0; i < 64; ++i) EXPECT_LE(OsSeededRandom().seed(), std::uint64_t(INT64_MAX));
}

}  // namespace
}  // namespace clsim::engine
