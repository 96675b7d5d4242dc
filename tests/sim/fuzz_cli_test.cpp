// clsim fuzz as a user runs it: a second run continues the first without
// repeating a seed, guided choices do not depend on --jobs or on where a run
// stopped, a guided repro line reproduces its run without the state, and a
// failing seed is shrunk into the state directory. Seed counts, never budgets:
// nothing here depends on how fast the machine is.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/sim/shell_run.hpp"

namespace {

using clsim::testing::sh;
namespace fs = std::filesystem;

const std::string kClsim = CLSIM_BINARY;

std::string tmp_dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "clsim_fuzz_" + std::to_string(::getpid()) + "_" + name;
  fs::remove_all(d);
  return d;
}

nlohmann::json state_of(const std::string& dir) {
  std::ifstream in(dir + "/fuzz.json");
  return nlohmann::json::parse(in, nullptr, false);
}

std::string fuzz(const std::string& dir, const std::string& flags) {
  return kClsim + " fuzz --state " + dir + " " + flags;
}

// One guided state of 18 seeds (a batch of 16 and two of the next, whose flags
// were chosen from the first batch's coverage), run with two jobs; shared.
class GuidedFuzz : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(tmp_dir("guided_j2"));
    const auto o = sh(fuzz(*dir_, "--guided --max-seeds 18 --jobs 2"));
    ASSERT_EQ(o.exit_code, 0) << o.text;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string* dir_;
};
std::string* GuidedFuzz::dir_ = nullptr;

TEST(FuzzCli, ASecondRunContinuesTheFirstAndNeverRepeatsASeed) {
  const std::string d = tmp_dir("resume");
  auto o = sh(fuzz(d, "--max-seeds 5 --jobs 2"));
  ASSERT_EQ(o.exit_code, 0) << o.text;
  const auto first = state_of(d);
  ASSERT_EQ(first["runs"].size(), 5u);
  EXPECT_EQ(first["pending"].size(), 11u) << "the rest of the batch waits for the next run";
  o = sh(fuzz(d, "--max-seeds 14 --jobs 2"));
  ASSERT_EQ(o.exit_code, 0) << o.text;
  EXPECT_NE(o.text.find("14 seeds this run, 19 in total"), std::string::npos) << o.text;
  const auto second = state_of(d);
  ASSERT_EQ(second["runs"].size(), 19u);
  std::set<std::uint64_t> seeds;
  for (const auto& r : second["runs"]) seeds.insert(r["seed"].get<std::uint64_t>());
  EXPECT_EQ(seeds.size(), 19u) << "a seed ran twice";
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(second["runs"][i], first["runs"][i]);
  EXPECT_EQ(second["summary"]["seeds_run"], 19);
  fs::remove_all(d);
}

TEST(FuzzCli, AStateIsRefusedWithOtherFlagsAndMissingFlagsAreUsageErrors) {
  const std::string d = tmp_dir("flags");
  ASSERT_EQ(sh(fuzz(d, "--max-seeds 1")).exit_code, 0);
  auto o = sh(fuzz(d, "--max-seeds 1 --guided"));
  EXPECT_EQ(o.exit_code, 2) << o.text;
  EXPECT_NE(o.text.find("--guided"), std::string::npos) << o.text;
  EXPECT_EQ(sh(fuzz(d, "--max-seeds 1 --seed 2")).exit_code, 2);
  EXPECT_EQ(sh(kClsim + " fuzz --budget-s 5").exit_code, 2);
  EXPECT_EQ(sh(kClsim + " fuzz --state " + d).exit_code, 2);
  fs::remove_all(d);
}

TEST_F(GuidedFuzz, ChoicesAreTheSameWithOneJobAndARunSplitInsideABatch) {
  const auto want = state_of(*dir_)["runs"];
  ASSERT_EQ(want.size(), 18u);
  bool guided_after_first_batch = false;
  for (std::size_t i = 16; i < 18; ++i) guided_after_first_batch |= !want[i]["args"].get<std::string>().empty();
  EXPECT_TRUE(guided_after_first_batch) << want.dump(1);
  // One job, stopped inside the first batch and resumed: the same seeds, flags and runs.
  const std::string split = tmp_dir("guided_j1_split");
  ASSERT_EQ(sh(fuzz(split, "--guided --max-seeds 7 --jobs 1")).exit_code, 0);
  ASSERT_EQ(sh(fuzz(split, "--guided --max-seeds 11 --jobs 1")).exit_code, 0);
  EXPECT_EQ(state_of(split)["runs"], want);
  fs::remove_all(split);
}

TEST_F(GuidedFuzz, AGuidedReproLineReproducesTheRunWithoutTheState) {
  nlohmann::json run;
  const auto state = state_of(*dir_);
  for (const auto& r : state["runs"])
    if (r["args"].get<std::string>().find("--fault") != std::string::npos) run = r;
  ASSERT_FALSE(run.is_null()) << "no guided seed carried a --fault";
  const std::string report = *dir_ + "/repro.json";
  const auto o = sh(kClsim + " run --random --seed " + std::to_string(run["seed"].get<std::uint64_t>()) + " " +
                    run["args"].get<std::string>() + " --quiet --report " + report);
  ASSERT_EQ(o.exit_code, 0) << o.text;
  std::ifstream in(report);
  const auto r = nlohmann::json::parse(in);
  EXPECT_EQ(r["trace_hash"], run["trace_hash"]);
  EXPECT_NE(r["repro"].get<std::string>().find(run["args"].get<std::string>()), std::string::npos) << r["repro"];
}

// skip_duplicate_tweet_check makes a seed fail once a tweet post times out after
// it was created or an engine crashes after the first tweet: guided seeds aim at
// both in the first batch (duplicate_tweet_prevented, after_first_tweet).
TEST(FuzzCli, AFailingSeedIsShrunkIntoTheStateDirectoryReadyAsARegression) {
  const std::string d = tmp_dir("failing");
  const auto o = sh(fuzz(d, "--guided --max-seeds 3 --jobs 2 --shrink-runs 40 --mutate skip_duplicate_tweet_check"));
  ASSERT_EQ(o.exit_code, 1) << o.text;
  const auto state = state_of(d);
  ASSERT_FALSE(state["summary"]["failures"].empty()) << o.text;
  const auto failure = state["summary"]["failures"][0];
  const std::string seed = std::to_string(failure["seed"].get<std::uint64_t>());
  const std::string lua = state["failure_files"][seed].get<std::string>();
  EXPECT_EQ(lua.rfind("failures/seed_" + seed + "/random_" + seed + "_", 0), 0u) << lua;
  for (const char* file : {"report.json", "seed.txt", "repro.txt"})
    EXPECT_TRUE(fs::exists(d + "/failures/seed_" + seed + "/" + file)) << file;
  std::ifstream in(d + "/" + lua);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind("-- kept for: ", 0), 0u) << first;
  EXPECT_NE(o.text.find("FAIL seed " + seed), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("repro: build/clsim run --random --seed " + seed), std::string::npos) << o.text;
  // The scenario still fails with the bug and passes without it, reaching its cell.
  const auto bites = sh(kClsim + " run " + d + "/" + lua + " --mutate skip_duplicate_tweet_check --quiet");
  EXPECT_EQ(bites.exit_code, 1) << bites.text;
  const std::string cell = first.substr(std::string("-- kept for: ").size());
  const auto passes = sh(kClsim + " run " + d + "/" + lua + " --quiet --kept-for \"" + cell + "\"");
  EXPECT_EQ(passes.exit_code, 0) << passes.text;
  fs::remove_all(d);
}

}  // namespace
