// The simulated disk's page store: reads return what was written across page
// boundaries, unwritten and cut-off bytes read as zeros, and copies are deep.
#include "sim/disk/paged_bytes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace clsim::sim {
namespace {

constexpr std::uint64_t kPage = PagedBytes::kPageBytes;

std::vector<std::uint8_t> read_all(const PagedBytes& b, std::uint64_t offset, std::size_t n) {
  std::vector<std::uint8_t> out(n, 0xEE);
  b.read(offset, out.data(), n);
  return out;
}

TEST(PagedBytes, AWriteAcrossAPageBoundaryReadsBackWhole) {
  PagedBytes b;
  std::vector<std::uint8_t> data(300);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::uint8_t(i * 7 + 1);
  b.resize(kPage + 200);
  b.write(kPage - 100, data.data(), data.size());
  EXPECT_EQ(read_all(b, kPage - 100, data.size()), data);
  EXPECT_EQ(b.size(), kPage + 200);
}

TEST(PagedBytes, UnwrittenBytesAndACutOffTailReadAsZerosWhenGrownAgain) {
  PagedBytes b;
  b.resize(3 * kPage);
  EXPECT_EQ(read_all(b, kPage, 16), std::vector<std::uint8_t>(16, 0));
  std::vector<std::uint8_t> ones(3 * kPage, 1);
  b.write(0, ones.data(), ones.size());
  b.resize(kPage / 2);
  b.resize(3 * kPage);
  EXPECT_EQ(read_all(b, kPage / 2 - 1, 1), std::vector<std::uint8_t>(1, 1));
  EXPECT_EQ(read_all(b, kPage / 2, kPage), std::vector<std::uint8_t>(kPage, 0));
  EXPECT_EQ(read_all(b, 2 * kPage, 8), std::vector<std::uint8_t>(8, 0));
}

TEST(PagedBytes, CopyRangeTakesZerosFromUnwrittenPagesAndCopiesAreDeep) {
  PagedBytes a, b;
  a.resize(2 * kPage);
  b.resize(2 * kPage);
  std::vector<std::uint8_t> nines(2 * kPage, 9), fives(10, 5);
  b.write(0, nines.data(), nines.size());
  a.write(kPage - 5, fives.data(), fives.size());
  b.copy_range(a, kPage - 20, 40);  // a's first page is written, its second only in part
  EXPECT_EQ(read_all(b, kPage - 21, 1), std::vector<std::uint8_t>(1, 9));
  EXPECT_EQ(read_all(b, kPage - 20, 15), std::vector<std::uint8_t>(15, 0));
  EXPECT_EQ(read_all(b, kPage - 5, 10), fives);
  EXPECT_EQ(read_all(b, kPage + 20, 1), std::vector<std::uint8_t>(1, 9));
  PagedBytes c = b;
  c.write(0, fives.data(), 1);
  EXPECT_EQ(read_all(b, 0, 1), std::vector<std::uint8_t>(1, 9));
  EXPECT_EQ(read_all(c, 0, 1), std::vector<std::uint8_t>(1, 5));
}

}  // namespace
}  // namespace clsim::sim
