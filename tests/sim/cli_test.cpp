// Runs the clsim binary as a user would: separate processes, real files.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/sim/shell_run.hpp"

namespace {

using clsim::testing::Output;
using clsim::testing::sh;

std::string tmp_path(const std::string& name) {
  return ::testing::TempDir() + "clsim_cli_" + std::to_string(::getpid()) + "_" + name;
}

nlohmann::json report_of(const std::string& script, const std::string& extra) {
  const std::string path = tmp_path("report.json");
  const auto out = sh(std::string(CLSIM_BINARY) + " run " + script + " --quiet --report " + path + " " + extra);
  std::ifstream in(path);
  auto j = nlohmann::json::parse(in, nullptr, false);
  std::remove(path.c_str());
  return j;
}

const std::string kSmoke = std::string(CLSIM_SOURCE_DIR) + "/scenarios/smoke_virtual_clock.lua";

TEST(Determinism, SameSeedInTwoProcessesGivesTheSameTraceHash) {
  const auto a = report_of(kSmoke, "--seed 11");
  const auto b = report_of(kSmoke, "--seed 11");
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a["trace_hash"], b["trace_hash"]);
  EXPECT_EQ(a["result"], "pass");
}

TEST(Determinism, DifferentSeedsGiveDifferentTraces) {
  std::set<std::string> hashes;
  for (int seed = 11; seed <= 14; ++seed) {
    const auto r = report_of(kSmoke, "--seed " + std::to_string(seed));
    ASSERT_TRUE(r.is_object());
    EXPECT_EQ(r["seed"], seed);
    hashes.insert(r["trace_hash"].get<std::string>());
  }
  EXPECT_EQ(hashes.size(), 4u) << "a seed does not reach the trace";
}

TEST(Determinism, CheckDeterminismPassesForTheSmokeScenario) {
  const auto out = sh(std::string(CLSIM_BINARY) + " check-determinism " + kSmoke + " --runs 2");
  EXPECT_EQ(out.exit_code, 0) << out.text;
  EXPECT_NE(out.text.find("deterministic"), std::string::npos);
}

TEST(Cli, ReportCarriesTheContractFields) {
  const auto r = report_of(kSmoke, "");
  for (const char* key : {"clsim_report", "scenario", "seed", "result", "trace_hash", "start_time_us",
                          "virtual_time_us", "wall_time_s", "events_processed", "faults", "invariants",
                          "coverage", "campaigns", "latency_us", "repro", "clsim_version", "build_type",
                          "script_sha256", "world"})
    EXPECT_TRUE(r.contains(key)) << key;
  EXPECT_EQ(r["seed"], 7);  // the script's own seed when --seed is absent
  EXPECT_EQ(r["start_time_us"], 1735689600000000LL);
}

TEST(Cli, FailedChecksAreAllListedWithFileAndLineAndExitOne) {
  const std::string script = tmp_path("checks.lua");
  std::ofstream(script) << "check(1 == 2, 'first')\ncheck(true, 'fine')\ncheck(false, 'second')\n";
  const std::string report = tmp_path("checks.json");
  const auto out = sh(std::string(CLSIM_BINARY) + " run " + script + " --quiet --report " + report);
  EXPECT_EQ(out.exit_code, 1);
  std::ifstream in(report);
  const auto r = nlohmann::json::parse(in);
  ASSERT_EQ(r["checks"].size(), 2u);
  EXPECT_EQ(r["checks"][0]["line"], 1);
  EXPECT_EQ(r["checks"][1]["line"], 3);
  EXPECT_NE(r["repro"].get<std::string>().find("--seed"), std::string::npos);
}

TEST(Cli, ScriptErrorIsExitTwoWithFileAndLineAndWritesNoReport) {
  const std::string script = tmp_path("bad.lua");
  std::ofstream(script) << "scenario { name = 'x' }\nworld { engins = 2 }\n";
  const std::string report = tmp_path("bad.json");
  const auto out = sh(std::string(CLSIM_BINARY) + " run " + script + " --quiet --report " + report);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.text.find("bad.lua:2: world: unknown key 'engins'"), std::string::npos) << out.text;
}

TEST(Cli, MissingScriptAndBadUsageAreExitTwo) {
  EXPECT_EQ(sh(std::string(CLSIM_BINARY) + " run /nonexistent/x.lua").exit_code, 2);
  EXPECT_EQ(sh(std::string(CLSIM_BINARY) + " run").exit_code, 2);
  EXPECT_EQ(sh(std::string(CLSIM_BINARY) + " frobnicate").exit_code, 2);
  EXPECT_EQ(sh(std::string(CLSIM_BINARY) + " --help").exit_code, 0);
}

TEST(Cli, TraceFileHasOneJsonObjectPerProcessedEvent) {
  const std::string trace = tmp_path("trace.jsonl");
  const std::string report = tmp_path("trace_report.json");
  sh(std::string(CLSIM_BINARY) + " run " + kSmoke + " --quiet --trace " + trace + " --report " + report);
  std::ifstream in(trace);
  std::string line;
  std::uint64_t n = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    for (const char* k : {"seq", "t_us", "engine", "ev"}) ASSERT_TRUE(j.contains(k)) << line;
    ++n;
  }
  std::ifstream rin(report);
  EXPECT_EQ(n, nlohmann::json::parse(rin)["trace_lines"].get<std::uint64_t>());
  EXPECT_GT(n, 0u);
}

}  // namespace

// A runaway script hits a limit (even through a pcall): exit 2 naming the line
// that was running, on stderr and in the error report.
TEST(Cli, RunawayScriptsAreExitTwoNamingTheLineThatRan) {
  const std::string spin = tmp_path("spin.lua");
  std::ofstream(spin) << "scenario { name = 'spin' }\nlocal n = 0\nwhile true do\n"
                         "  pcall(function() while true do n = n + 1 end end)\nend\n";
  const std::string bomb = tmp_path("bomb.lua");
  std::ofstream(bomb) << "scenario { name = 'bomb' }\nlocal t = {}\nwhile true do\n"
                         "  t[#t + 1] = string.rep('x', 1000000) .. #t\nend\n";
  const std::string report = tmp_path("runaway.json");
  for (const auto& [script, message] : {std::pair{spin, ":4: step limit exceeded"},
                                        std::pair{bomb, ":4: memory limit exceeded"}}) {
    std::remove(report.c_str());
    const auto out = sh(std::string(CLSIM_BINARY) + " run " + script + " --quiet --report " + report + " 2>&1");
    EXPECT_EQ(out.exit_code, 2) << out.text;
    EXPECT_NE(out.text.find(script + message), std::string::npos) << out.text;
    std::ifstream in(report);
    const auto r = nlohmann::json::parse(in, nullptr, false);
    ASSERT_TRUE(r.is_object()) << out.text;
    EXPECT_EQ(r["result"], "error");
    EXPECT_NE(r["error"].get<std::string>().find(script + message), std::string::npos) << r.dump();
  }
}

// A regression names the cell it is kept for; a run that misses it fails, so the
// regression cannot quietly test nothing.
TEST(Cli, KeptForACellTheRunDoesNotReachIsExitOneNamingIt) {
  const std::string happy = std::string(CLSIM_SOURCE_DIR) + "/scenarios/happy_path.lua";
  const std::string report = tmp_path("kept.json");
  const std::string run = std::string(CLSIM_BINARY) + " run " + happy + " --quiet --report " + report;
  EXPECT_EQ(sh(run + " --kept-for 'transitions RUNNING->CLOSED'").exit_code, 0);
  const auto missed = sh(run + " --kept-for 'transitions RUNNING->CLOSED' --kept-for 'sometimes no_such_mark'");
  EXPECT_EQ(missed.exit_code, 1);
  EXPECT_NE(missed.text.find("kept for 'sometimes no_such_mark', which this run no longer reaches"), std::string::npos)
      << missed.text;
  std::ifstream in(report);
  const auto r = nlohmann::json::parse(in);
  ASSERT_EQ(r["kept_for"].size(), 2u);
  EXPECT_EQ(r["kept_for"][0]["reached"], true);
  EXPECT_EQ(r["kept_for"][1]["reached"], false);
  EXPECT_EQ(sh(run + " --kept-for 'bogus x'").exit_code, 2);
  const auto random = sh(std::string(CLSIM_BINARY) + " run --random --seed 3 --quiet --kept-for 'sometimes no_such_mark'");
  EXPECT_EQ(random.exit_code, 1) << random.text;
}
