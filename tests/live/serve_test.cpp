// clsim serve as a command and a service: bad configuration exits 2 naming it,
// Redis down at start leaves the service up but not ready until Redis comes, and
// the API's update, routing and method answers. Every process is stopped by pid.
#include <sys/wait.h>

#include <thread>

#include <gtest/gtest.h>

#include "live/live_stack.hpp"

namespace clsim::live_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

int exit_code(std::optional<int> status) {
  if (!status) return -1;
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

std::vector<std::string> serve_args(const TempDir& dir, std::vector<std::string> changes) {
  std::vector<std::string> args{clsim_binary(), "serve", "--db", dir.file("c.db"), "--listen", "127.0.0.1:0",
                                "--redis", "unix:" + dir.file("none.sock"), "--twitter-url", "http://127.0.0.1:9",
                                "--ledger-url", "http://127.0.0.1:9", "--port-file", dir.file("port")};
  // Each change is FLAG VALUE: replaces the flag's value, or appends it.
  for (std::size_t i = 0; i + 1 < changes.size(); i += 2) {
    bool found = false;
    for (std::size_t k = 2; k + 1 < args.size(); ++k)
      if (args[k] == changes[i]) args[k + 1] = changes[i + 1], found = true;
    if (!found) args.insert(args.end(), {changes[i], changes[i + 1]});
  }
  return args;
}

// Runs a serve that must refuse to start: its exit code and what it said.
std::pair<int, std::string> refused(const TempDir& dir, std::vector<std::string> args,
                                    std::map<std::string, std::string> env = {}) {
  static int runs = 0;
  ChildProcess serve(std::move(args), dir.file("refused-" + std::to_string(++runs) + ".log"), std::move(env));
  return {exit_code(serve.wait_exit(10s)), serve.log()};
}

TEST(ServeCli, BadFlagsAndConfigurationExitTwoNamingThem) {
  TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--listen", "nowhere"}, "--listen"},
      {{"--redis", "just-a-host"}, "--redis"},
      {{"--twitter-url", "ftp://x"}, "--twitter-url"},
      {{"--poll-interval-s", "-1"}, "--poll-interval-s"},
      {{"--timing", "bogus_us=5"}, "unknown key 'bogus_us'"},
      {{"--timing", "tx_valid_us=1000"}, "tx_valid_us"},
      {{"--name", "two words"}, "--name"},
      {{"--db", dir.path()}, "--db " + dir.path()},
      {{"--capture", dir.file("no/such/dir/c.jsonl")}, "--capture"},
  };
  for (const auto& [changes, named] : cases) {
    const auto [code, log] = refused(dir, serve_args(dir, changes));
    EXPECT_EQ(code, 2) << changes[0] << " " << changes[1] << ": " << log;
    EXPECT_NE(log.find(named), std::string::npos) << log;
  }
  auto missing = serve_args(dir, {});
  missing.erase(missing.begin() + 2, missing.begin() + 4);  // no --db
  EXPECT_EQ(refused(dir, missing).first, 2);
  const auto [code, log] = refused(dir, serve_args(dir, {}), {{"CLSIM_X_USER_TOKENS", dir.file("absent.json")}});
  EXPECT_EQ(code, 2);
  EXPECT_NE(log.find("CLSIM_X_USER_TOKENS"), std::string::npos) << log;
}

TEST(ServeCli, AnAddressInUseExitsTwoNamingIt) {
  TempDir dir;
  ChildProcess first(serve_args(dir, {}), dir.file("first.log"));
  const auto port = wait_for_port_file(dir.file("port"), first, 20s);
  ASSERT_TRUE(port) << first.log();
  const std::string address = "127.0.0.1:" + std::to_string(*port);
  const auto [code, log] =
      refused(dir, serve_args(dir, {"--listen", address, "--port-file", dir.file("port2"), "--name", "engine-2"}));
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("--listen " + address), std::string::npos) << log;
  EXPECT_EQ(exit_code(first.stop()), 0) << "SIGTERM stops the service cleanly: " << first.log();
}

// A name is the engine's bus consumer and lease owner: a second live holder is
// refused, and a holder killed with -9 leaves it free for its restart at once.
TEST(ServeCli, ASecondLiveHolderOfANameIsRefusedUntilTheFirstDies) {
  TempDir dir;
  ChildProcess first(serve_args(dir, {"--name", "worker"}), dir.file("first.log"));
  ASSERT_TRUE(wait_for_port_file(dir.file("port"), first, 20s)) << first.log();
  const auto [code, log] = refused(dir, serve_args(dir, {"--name", "worker", "--port-file", dir.file("port2")}));
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("--name worker: another clsim serve holds this name"), std::string::npos) << log;
  ChildProcess other(serve_args(dir, {"--name", "worker-2", "--port-file", dir.file("port3")}), dir.file("other.log"));
  EXPECT_TRUE(wait_for_port_file(dir.file("port3"), other, 20s)) << "another name on the same database runs: "
                                                                  << other.log();
  first.kill9();
  ChildProcess again(serve_args(dir, {"--name", "worker", "--port-file", dir.file("port4")}), dir.file("again.log"));
  EXPECT_TRUE(wait_for_port_file(dir.file("port4"), again, 20s)) << again.log();
}

TEST(Serve, RedisDownAtStartIsNotReadyUntilRedisComes) {
  TempDir dir;
  ChildProcess serve(serve_args(dir, {"--redis", "unix:" + dir.file("redis.sock")}), dir.file("serve.log"));
  const auto port = wait_for_port_file(dir.file("port"), serve, 20s);
  ASSERT_TRUE(port) << serve.log();
  EXPECT_EQ(http_get(*port, "/healthz").status, 200);
  const auto down = http_get(*port, "/readyz");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.json()["down"].dump().find("redis"), std::string::npos) << down.body;
  RedisServer redis(dir);  // on the socket serve keeps trying
  int ready = 0;
  for (int i = 0; i < 300 && ready != 200 && serve.running(); ++i) {
    ready = http_get(*port, "/readyz").status;
    if (ready != 200) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(ready, 200) << serve.log();
  EXPECT_TRUE(serve.running()) << "a Redis that was down is not a crash";
}

TEST(Serve, UpdatesApplyForTheOwnerBeforePublishingOnly) {
  LiveStack stack;
  const json spec = {{"owner", "alice"},
                     {"budget", 50'000},
                     {"rates", {{"like", 1}, {"retweet", 2}, {"quote", 3}, {"reply", 4}}},
                     {"duration_us", 60'000'000},
                     {"claim_window_us", 60'000'000},
                     {"id", "launch"}};
  ASSERT_EQ(stack.post("/v1/campaigns", spec).status, 201);
  EXPECT_EQ(stack.post("/v1/campaigns", spec).status, 409) << "an id already used";
  const auto updated = stack.patch("/v1/campaigns/launch", {{"text", "Launch day"}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json()["text"], "Launch day");
  EXPECT_EQ(stack.patch("/v1/campaigns/launch", {{"text", "mine"}, {"by", "mallory"}}).status, 409);
  const auto unknown_field = stack.patch("/v1/campaigns/launch", {{"colour", "red"}});
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_EQ(unknown_field.json().value("field", ""), "colour");
  EXPECT_EQ(stack.patch("/v1/campaigns/nope", {{"text", "x"}}).status, 404);
  ASSERT_EQ(stack.post("/v1/campaigns/launch/publish", {{"by", "alice"}}).status, 202);
  EXPECT_EQ(stack.patch("/v1/campaigns/launch", {{"text", "late"}}).status, 409) << "no updates after publishing";
  EXPECT_EQ(stack.get("/v1/campaigns/launch").json()["text"], "Launch day");
}

TEST(Serve, UnknownPathsAndWrongMethodsAreAnsweredAsSuch) {
  LiveStack stack;
  EXPECT_EQ(stack.get("/v2/campaigns").status, 404);
  const auto wrong = stack.post("/healthz", json::object());
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET");
  EXPECT_EQ(stack.get("/v1/ws").status, 426) << "a WebSocket endpoint asked without an upgrade";
  EXPECT_EQ(stack.get("/v1/rule-campaigns/r-9/matches").status, 404);
  EXPECT_EQ(stack.post("/v1/dead-letters/e-9/redrive", json::object()).status, 404);
  const auto page = stack.get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/v1/ws"), std::string::npos) << "the page follows the live updates";
  const auto metrics = stack.get("/metrics").body;
  for (const char* family : {"clsim_http_requests_total", "clsim_outbox_backlog", "clsim_timer_lag_seconds",
                             "clsim_ws_clients", "clsim_outside_call_seconds_bucket"})
    EXPECT_NE(metrics.find(family), std::string::npos) << family;
}

}  // namespace
}  // namespace clsim::live_test
