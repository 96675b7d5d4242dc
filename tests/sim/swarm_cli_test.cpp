// clsim swarm as a user runs it: child processes, shards, merge, failures with
// their repro, the per-seed wall-time limit and usage errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/sim/shell_run.hpp"

namespace {

using clsim::testing::Output;
using clsim::testing::sh;

std::string tmp_dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "clsim_swarm_" + std::to_string(::getpid()) + "_" + name;
  std::filesystem::remove_all(d);
  return d;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

std::vector<std::uint64_t> run_seeds(const std::string& dir) {
  std::vector<std::uint64_t> seeds;
  std::ifstream in(dir + "/runs.jsonl");
  std::string line;
  while (std::getline(in, line)) seeds.push_back(nlohmann::json::parse(line)["seed"].get<std::uint64_t>());
  return seeds;
}

const std::string kClsim = CLSIM_BINARY;
const std::string kSmoke = " --scenario scenarios/smoke_virtual_clock.lua";

TEST(SwarmCli, ShardRunsItsSeedsInSeedOrderAndMergeJoinsShards) {
  const std::string a = tmp_dir("a"), b = tmp_dir("b"), m = tmp_dir("m");
  auto o = sh(kClsim + " swarm" + kSmoke + " --seeds 1..5 --shard 0/2 --jobs 2 --out " + a);
  ASSERT_EQ(o.exit_code, 0) << o.text;
  EXPECT_EQ(read_json(a + "/summary.json")["seeds"], nlohmann::json::array({1, 3, 5}));
  EXPECT_EQ(run_seeds(a), (std::vector<std::uint64_t>{1, 3, 5}));
  o = sh(kClsim + " swarm" + kSmoke + " --seeds 1..5 --shard 1/2 --jobs 2 --out " + b);
  ASSERT_EQ(o.exit_code, 0) << o.text;
  o = sh(kClsim + " swarm --merge " + b + " " + a + " --out " + m);
  ASSERT_EQ(o.exit_code, 0) << o.text;
  const auto summary = read_json(m + "/summary.json");
  EXPECT_EQ(summary["clsim_swarm"], 1);
  EXPECT_EQ(summary["seeds_run"], 5);
  EXPECT_EQ(run_seeds(m), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(summary["coverage"].contains("transitions"));
}

TEST(SwarmCli, FailingSeedsExitOneAndListTheInvariantAndRepro) {
  const std::string d = tmp_dir("fail");
  const auto o = sh(kClsim + " swarm --scenario scenarios/crash_after_first_tweet.lua --seeds 1..2 --jobs 2 "
                             "--mutate skip_duplicate_tweet_check --out " + d);
  EXPECT_EQ(o.exit_code, 1) << o.text;
  const auto s = read_json(d + "/summary.json");
  ASSERT_EQ(s["failures"].size(), 2u) << s.dump();
  EXPECT_EQ(s["failures"][0]["seed"], 1);
  EXPECT_EQ(s["failures"][0]["invariant"], "no_duplicate_tweet");
  EXPECT_NE(s["failures"][0]["repro"].get<std::string>().find("--seed 1 --mutate skip_duplicate_tweet_check"),
            std::string::npos);
}

TEST(SwarmCli, SeedPastItsWallTimeLimitFailsAsTimeout) {
  const auto o = sh(kClsim + " swarm --scenario scenarios/thousand_campaigns.lua --seeds 1..1 --timeout-s 1");
  EXPECT_EQ(o.exit_code, 1) << o.text;
  const auto j = nlohmann::json::parse(o.text.substr(o.text.find('{'), o.text.rfind('}') - o.text.find('{') + 1),
                                       nullptr, false);
  ASSERT_TRUE(j.is_object()) << o.text;
  EXPECT_EQ(j["failures"][0]["invariant"], "timeout");
  EXPECT_NE(j["failures"][0]["repro"].get<std::string>().find("thousand_campaigns.lua --seed 1"), std::string::npos);
}

TEST(SwarmCli, BadUsageExitsTwo) {
  EXPECT_EQ(sh(kClsim + " swarm --random").exit_code, 2);
  EXPECT_EQ(sh(kClsim + " swarm --random --seeds 1..3 --shard 3/3").exit_code, 2);
  EXPECT_EQ(sh(kClsim + " swarm --random" + kSmoke + " --count 2").exit_code, 2);
  EXPECT_EQ(sh(kClsim + " swarm --scenario /nonexistent.lua --count 2").exit_code, 2);
  EXPECT_EQ(sh(kClsim + " swarm --merge /nonexistent-dir").exit_code, 2);
  EXPECT_EQ(sh(kClsim + " run --random").exit_code, 2);
}

}  // namespace
