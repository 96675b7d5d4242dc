// Required coverage: a listed cell the merged coverage never reached is named,
// and a malformed list is an error with its file and line.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "sim/swarm/required_coverage.hpp"

namespace clsim::sim {
namespace {

std::string write_list(const std::string& text) {
  const std::string path = ::testing::TempDir() + "clsim_required_" + std::to_string(::getpid()) + ".txt";
  std::ofstream(path) << text;
  return path;
}

TEST(RequiredCoverage, NamesOnlyTheCellsWithNoCount) {
  const auto cells = read_required_coverage(write_list(
      "# comment\n\nsometimes claim_refused\nmatrix RUNNING->CLOSED x hedera_busy x none\ncrash_points during_close\n"));
  ASSERT_EQ(cells.size(), 3u);
  const nlohmann::json coverage = {{"sometimes", {{"claim_refused", 3}}},
                                   {"matrix", {{"RUNNING->CLOSED x hedera_busy x none", 0}}}};
  const auto missed = unreached(coverage, cells);
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(missed[0].key, "RUNNING->CLOSED x hedera_busy x none");
  EXPECT_EQ(missed[0].line, 4);
  EXPECT_EQ(missed[1].section, "crash_points");
}

TEST(RequiredCoverage, AMalformedLineIsAnErrorWithFileAndLine) {
  const std::string path = write_list("sometimes claim_refused\nnonsense\n");
  try {
    read_required_coverage(path);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find(path + ":2:"), 0u) << e.what();
  }
  EXPECT_THROW(read_required_coverage(write_list("colours red\n")), std::invalid_argument);
}

}  // namespace
}  // namespace clsim::sim
