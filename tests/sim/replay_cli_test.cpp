// clsim replay / minimize / run --capture as a user runs them: exit codes,
// FILE:LINE messages, and nothing written to --out unless minimization finished.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/sim/shell_run.hpp"

namespace {

using clsim::testing::Output;
using clsim::testing::sh;

std::string tmp(const std::string& name) {
  return ::testing::TempDir() + "clsim_replay_" + std::to_string(::getpid()) + "_" + name;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string p = tmp(name);
  std::ofstream(p) << text;
  return p;
}

bool exists(const std::string& p) { return std::ifstream(p).good(); }

const std::string kBin = CLSIM_BINARY;

}  // namespace

TEST(ReplayCli, MalformedLogExitsTwoWithFileLineAndParserMessage) {
  const auto log = write("bad.jsonl", "# header\n{\"ts_us\": 1, \"type\": \"CAMPAIGN_CLOSED\", \"event_id\": \"a\"}\n{oops\n");
  const auto out = sh(kBin + " replay " + log);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.text.find(log + ":3: malformed JSON: "), std::string::npos) << out.text;
  std::remove(log.c_str());
}

TEST(ReplayCli, MinimizeOfALogThatDoesNotFailExitsTwoAndWritesNothing) {
  const auto log = write("ok.jsonl", "{\"ts_us\": 1735689600000000, \"type\": \"CAMPAIGN_CLOSED\", \"event_id\": \"a\", \"campaign_id\": \"c-1\"}\n");
  const auto out_path = tmp("min.jsonl");
  const auto out = sh(kBin + " minimize " + log + " --out " + out_path);
  EXPECT_EQ(out.exit_code, 2) << out.text;
  EXPECT_FALSE(exists(out_path));
  std::remove(log.c_str());
}

TEST(ReplayCli, FailedCheckFileFailsTheReplayAndReportListsDivergences) {
  const auto log = write("c.jsonl",
                         "{\"ts_us\": 1735689600000000, \"type\": \"campaign:create:v1:requested\", \"event_id\": \"e1\", "
                         "\"campaign_id\": \"c-9\", \"payload\": {\"owner\": \"alice\", \"budget\": 1000, \"rates\": {\"like\": 1, "
                         "\"retweet\": 1, \"quote\": 1, \"reply\": 1}, \"duration_us\": 60000000, \"claim_window_us\": 60000000}}\n"
                         "{\"ts_us\": 1735689601000000, \"type\": \"CAMPAIGN_CLOSED\", \"event_id\": \"e2\", \"campaign_id\": \"c-9\"}\n");
  const auto check = write("check.lua", "check(state(\"c-9\") == \"EXPIRED\", \"c-9 should expire\")\n");
  const auto report = tmp("r.json");
  const auto out = sh(kBin + " replay " + log + " --quiet --check " + check + " --report " + report);
  EXPECT_EQ(out.exit_code, 1) << out.text;
  std::ifstream in(report);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(j.is_object());
  ASSERT_EQ(j["divergences"].size(), 1u);
  EXPECT_EQ(j["divergences"][0]["kind"], "missing");
  EXPECT_EQ(j["divergences"][0]["line"], 2);
  ASSERT_EQ(j["checks"].size(), 1u);
  EXPECT_EQ(j["checks"][0]["message"], "c-9 should expire");
  for (const auto& p : {log, check, report}) std::remove(p.c_str());
}

TEST(ReplayCli, RunCaptureThenReplayGivesTheSameOutcomesWithoutDivergences) {
  const auto cap = tmp("cap.jsonl");
  const auto report = tmp("replay.json");
  const auto run = sh(kBin + " run " + std::string(CLSIM_SOURCE_DIR) + "/scenarios/happy_path.lua --quiet --capture " + cap);
  ASSERT_EQ(run.exit_code, 0) << run.text;
  std::ifstream first(cap);
  std::string world_line;
  std::getline(first, world_line);
  EXPECT_NE(world_line.find("\"clsim:world:v1:config\""), std::string::npos);
  EXPECT_NE(world_line.find("\"alice\":10000000"), std::string::npos) << "the world line carries balances";
  const auto re = sh(kBin + " replay " + cap + " --quiet --report " + report);
  EXPECT_EQ(re.exit_code, 0) << re.text;
  std::ifstream in(report);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["divergences"].size(), 0u);
  for (const auto& r : j["refusals"])  // only what the run refused too
    EXPECT_NE(r["reason"].get<std::string>().find("(refused live too)"), std::string::npos) << r.dump();
  EXPECT_EQ(j["campaigns"]["by_state"]["EXPIRED"], 1);
  EXPECT_GT(j["replay"]["lines_fed"].get<int>(), 10);
  for (const auto& p : {cap, report}) std::remove(p.c_str());
}

// A crash line names the crash point its engine died at, and the replayed engine
// dies there again: its trace holds the same crash_point, and nothing diverges.
TEST(ReplayCli, ReplayedCrashDiesAtTheCapturedCrashPointAndTraceIsWritten) {
  const auto cap = tmp("crash.jsonl");
  const auto report = tmp("crash_replay.json");
  const auto trace = tmp("crash_trace.jsonl");
  const auto run =
      sh(kBin + " run " + std::string(CLSIM_SOURCE_DIR) + "/scenarios/crash_after_first_tweet.lua --quiet --capture " + cap);
  ASSERT_EQ(run.exit_code, 0) << run.text;
  std::ifstream in_cap(cap);
  std::string line, crash_line;
  while (std::getline(in_cap, line))
    if (line.find("\"engine:crash:v1:observed\"") != std::string::npos) crash_line = line;
  EXPECT_NE(crash_line.find("\"point\":\"after_first_tweet\""), std::string::npos) << crash_line;

  const auto re = sh(kBin + " replay " + cap + " --quiet --report " + report + " --trace " + trace);
  EXPECT_EQ(re.exit_code, 0) << re.text;
  std::ifstream in_trace(trace);
  int lines = 0;
  bool crashed_at_point = false;
  while (std::getline(in_trace, line)) {
    ++lines;
    crashed_at_point |= line.find("\"ev\":\"crash_point\",\"point\":\"after_first_tweet\"") != std::string::npos;
  }
  EXPECT_GT(lines, 100);
  EXPECT_TRUE(crashed_at_point) << "the replayed engine did not die at after_first_tweet";
  std::ifstream in_report(report);
  const auto j = nlohmann::json::parse(in_report, nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["divergences"].size(), 0u) << j["divergences"].dump();
  for (const auto& p : {cap, report, trace}) std::remove(p.c_str());
}

TEST(ReplayCli, CrashLineWithAnUnknownCrashPointExitsTwoWithFileLine) {
  const auto log = write("bad_point.jsonl",
                         "{\"ts_us\":1735689600000000,\"type\":\"engine:crash:v1:observed\",\"event_id\":\"x\","
                         "\"payload\":{\"engine\":1,\"point\":\"after_lunch\"}}\n");
  const auto re = sh(kBin + " replay " + log + " --quiet");
  EXPECT_EQ(re.exit_code, 2);
  EXPECT_NE(re.text.find(log + ":1: payload.point: unknown crash point 'after_lunch'"), std::string::npos) << re.text;
  std::remove(log.c_str());
}

// The swarm's random workload writes a capture too, which replays.
TEST(ReplayCli, RandomRunCaptureReplays) {
  const auto cap = tmp("random.jsonl");
  const auto run = sh(kBin + " run --random --seed 3 --focused --quiet --capture " + cap);
  ASSERT_EQ(run.exit_code, 0) << run.text;
  const auto report = tmp("random_replay.json");
  const auto re = sh(kBin + " replay " + cap + " --quiet --report " + report);
  EXPECT_EQ(re.exit_code, 0) << re.text;
  std::ifstream in(report);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_GT(j["replay"]["lines_fed"].get<int>(), 10);
  EXPECT_EQ(j["divergences"].size(), 0u) << j["divergences"].dump();
  for (const auto& p : {cap, report}) std::remove(p.c_str());
}
