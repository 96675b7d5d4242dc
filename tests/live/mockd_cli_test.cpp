// clsim mockd as a command: the built binary with its flags, port file and
// faults file; bad input exits 2 naming what is wrong. Every wait is bounded and
// every process is stopped by its pid.
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "live/child_process.hpp"
#include "live/mockd_support.hpp"
#include "live/sync_http.hpp"

namespace clsim {
namespace {

using namespace mockd_test;

using namespace std::chrono_literals;

int exit_code(std::optional<int> status) {
  if (!status) return -1;
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// Runs `clsim mockd ARGS` that is expected to exit; its exit code and output.
std::pair<int, std::string> run_mockd(const live_test::TempDir& dir, std::vector<std::string> args) {
  static int runs = 0;
  args.insert(args.begin(), {live_test::clsim_binary(), "mockd"});
  live_test::ChildProcess child(args, dir.file("mockd-exit-" + std::to_string(++runs) + ".log"));
  const int code = exit_code(child.wait_exit(10s));
  return {code, child.log()};
}

TEST(MockdCli, PortFileIsWrittenAndHealthzAnswers) {
  live_test::TempDir dir;
  live_test::ChildProcess child({live_test::clsim_binary(), "mockd", "--listen", "127.0.0.1:0", "--seed", "7",
                                 "--port-file", dir.file("port")},
                                dir.file("mockd.log"));
  const auto port = live_test::wait_for_port_file(dir.file("port"), child, 10s);
  ASSERT_TRUE(port) << child.log();
  EXPECT_EQ(http_get(*port, "/healthz").status, 200);
  EXPECT_NE(child.log().find("mockd listening on http://127.0.0.1:" + std::to_string(*port) + " (seed 7)"),
            std::string::npos)
      << child.log();
  EXPECT_EQ(exit_code(child.stop()), 0) << child.log();
}

TEST(MockdCli, BusyRateFaultFileMakesSubmitsBusy) {
  live_test::TempDir dir;
  write_file(dir.file("faults.lua"),
             "return { hedera = { busy_rate = 1, latency_min = ms(1), latency_max = ms(5) },\n"
             "         twitter = { latency_max = seconds(0.01), latency_min = 0 } }\n");
  live_test::ChildProcess child({live_test::clsim_binary(), "mockd", "--listen", "127.0.0.1:0", "--faults",
                                 dir.file("faults.lua"), "--port-file", dir.file("port")},
                                dir.file("mockd.log"));
  const auto port = live_test::wait_for_port_file(dir.file("port"), child, 10s);
  ASSERT_TRUE(port) << child.log();
  const auto r = http_post(*port, "/v1/transactions", transfer(now_transaction_id("0.0.2"), "brand", "u-1", 5, "m"));
  EXPECT_EQ(r.json()["precheck"], "BUSY") << r.body;
  EXPECT_EQ(http_get(*port, "/mock/state").json()["faults"]["hedera_busy"], 1);
  EXPECT_EQ(exit_code(child.stop()), 0) << child.log();
}

TEST(MockdCli, UnknownFaultKeyExitsTwoNamingTheKeyAndFile) {
  live_test::TempDir dir;
  write_file(dir.file("faults.lua"), "return { twitter = { eror_rate = 0.1 } }\n");
  const auto [code, log] = run_mockd(dir, {"--listen", "127.0.0.1:0", "--faults", dir.file("faults.lua")});
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("eror_rate"), std::string::npos) << log;
  EXPECT_NE(log.find("faults.lua"), std::string::npos) << log;
}

TEST(MockdCli, FaultsFileErrorsNameTheFileAndLine) {
  live_test::TempDir dir;
  write_file(dir.file("bad.lua"), "local x = 1\nerror('broken here')\n");
  auto [code, log] = run_mockd(dir, {"--listen", "127.0.0.1:0", "--faults", dir.file("bad.lua")});
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("bad.lua:2: broken here"), std::string::npos) << log;
  write_file(dir.file("bus.lua"), "return { bus = { duplicate_rate = 0.5 } }\n");
  std::tie(code, log) = run_mockd(dir, {"--listen", "127.0.0.1:0", "--faults", dir.file("bus.lua")});
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("bus.lua: faults.bus: mockd serves only twitter and hedera"), std::string::npos) << log;
  write_file(dir.file("none.lua"), "local t = { twitter = {} }\n");
  std::tie(code, log) = run_mockd(dir, {"--listen", "127.0.0.1:0", "--faults", dir.file("none.lua")});
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("none.lua: the file must return a table"), std::string::npos) << log;
}

TEST(MockdCli, BadFlagsExitTwoNamingTheFlag) {
  live_test::TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--listen", "127.0.0.1:0", "--engage-probability", "1.5"}, "--engage-probability"},
      {{"--listen", "localhost-ish"}, "--listen"},
      {{"--listen", "127.0.0.1:0", "--bogus"}, "--bogus"},
      {{"--listen", "127.0.0.1:0", "--seed"}, "--seed"},
      {{"--seed", "3"}, "--listen"},
  };
  for (const auto& [args, flag] : cases) {
    const auto [code, log] = run_mockd(dir, args);
    EXPECT_EQ(code, 2) << log;
    EXPECT_NE(log.find(flag), std::string::npos) << log;
    EXPECT_NE(log.find("(see clsim mockd --help)"), std::string::npos) << log;
  }
}

TEST(MockdCli, PortInUseExitsTwoNamingTheAddress) {
  live_test::TempDir dir;
  RunningDaemon d(fast_options());
  const std::string address = "127.0.0.1:" + std::to_string(d.port());
  const auto [code, log] = run_mockd(dir, {"--listen", address});
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("cannot listen on " + address + ": "), std::string::npos) << log;
}

}  // namespace
}  // namespace clsim
