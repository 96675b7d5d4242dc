// clsim replay and --capture: a log replays deterministically, divergences from
// recorded outcomes are listed (captured scenarios: capture_roundtrip_test.cpp).
#include <gtest/gtest.h>


#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"

using namespace clsim;
using namespace clsim::sim;

namespace {

constexpr std::int64_t kStart = 1735689600000000LL;  // 2025-01-01T00:00:00Z

std::string line(std::int64_t dt_s, const std::string& rest) {
  return "{\"ts_us\": " + std::to_string(kStart + dt_s * 1000000) + ", " + rest + "}\n";
}

std::string create(const std::string& id, std::int64_t dt_s) {
  return line(dt_s, "\"type\": \"campaign:create:v1:requested\", \"event_id\": \"create-" + id + "\", \"campaign_id\": \"" + id +
                        "\", \"payload\": {\"owner\": \"alice\", \"budget\": 100000, \"rates\": {\"like\": 100, \"retweet\": 300,"
                        " \"quote\": 500, \"reply\": 200}, \"duration_us\": 3600000000, \"claim_window_us\": 3600000000,"
                        " \"text\": \"hello " + id + "\"}");
}

std::string publish(const std::string& id, std::int64_t dt_s) {
  return line(dt_s, "\"type\": \"campaign:publish:v1:requested\", \"event_id\": \"publish-" + id + "\", \"campaign_id\": \"" + id +
                        "\", \"user_id\": \"alice\"");
}

std::string engagement(const std::string& id, const std::string& user, std::int64_t dt_s) {
  return line(dt_s, "\"type\": \"twitter:engagement:v1:observed\", \"event_id\": \"eng-" + id + user + "\", \"campaign_id\": \"" + id +
                        "\", \"user_id\": \"" + user + "\", \"payload\": {\"kind\": \"like\"}");
}

const std::string kWorld =
    "{\"type\": \"clsim:world:v1:config\", \"ts_us\": " + std::to_string(kStart) +
    ", \"payload\": {\"seed\": 3, \"world\": {\"accounts\": {\"alice\": 10000000}}}}\n";

ReplayResult replay_text(const std::string& text, std::uint64_t seed = 3) {
  ReplayOptions o;
  o.seed = seed;
  o.identity = text;
  return replay_log(parse_event_log(text, "t.jsonl", false), o);
}

}  // namespace

TEST(Replay, SameLogAndSeedGiveTheSameTraceHash) {
  const std::string log = kWorld + create("c-1", 1) + publish("c-1", 2) + engagement("c-1", "u-1", 120) +
                          engagement("c-1", "u-2", 180);
  auto a = replay_text(log);
  auto b = replay_text(log);
  auto c = replay_text(log, 4);
  ASSERT_TRUE(a.sim && b.sim && c.sim);
  EXPECT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.sim->world().trace().hash_hex(), b.sim->world().trace().hash_hex());
  EXPECT_NE(a.sim->world().trace().hash_hex(), c.sim->world().trace().hash_hex());
  EXPECT_EQ(a.lines_fed, 4);
  EXPECT_EQ(a.sim->reader().campaign("c-1")->state, "EXPIRED");
  EXPECT_EQ(a.sim->reader().rewards("c-1").size(), 2u);  // audience off: only the logged engagements
}

TEST(Replay, ListsMissingCountAndTimeDivergences) {
  // The engine closes c-1 one hour after it starts running (minutes after t=2 s):
  // the log claims 10:31 and a second refund, and a contract error that never happens.
  const std::string log = kWorld + create("c-1", 1) + publish("c-1", 2) +
                          line(3 * 3600, "\"type\": \"CAMPAIGN_CLOSED\", \"event_id\": \"x1\", \"campaign_id\": \"c-1\"") +
                          line(3 * 3600 + 1, "\"type\": \"CAMPAIGN_BUDGET_REFUND\", \"event_id\": \"x2\", \"campaign_id\": \"c-1\"") +
                          line(3 * 3600 + 2, "\"type\": \"CAMPAIGN_BUDGET_REFUND\", \"event_id\": \"x3\", \"campaign_id\": \"c-1\"") +
                          line(3 * 3600 + 3, "\"type\": \"CAMPAIGN_CONTRACT_ERROR\", \"event_id\": \"x4\", \"campaign_id\": \"c-1\"");
  auto r = replay_text(log);
  ASSERT_TRUE(r.sim);
  EXPECT_EQ(r.exit_code, 0) << "divergences alone do not fail a replay";
  std::map<std::string, std::string> kind_by_type;
  for (const auto& d : r.divergences) kind_by_type[d.type + "@" + std::to_string(d.line)] = d.kind;
  EXPECT_EQ(kind_by_type["campaign:close:v1:success@4"], "time");
  EXPECT_EQ(kind_by_type["campaign:refund:v1:success@6"], "count");
  EXPECT_EQ(kind_by_type["campaign:contract:v1:failed@7"], "missing");
  EXPECT_EQ(kind_by_type["campaign:refund:v1:success@5"], "time");  // the first refund matches, late
  // Everything else the engine emitted for c-1 is "extra" (the log records outcomes of c-1).
  std::size_t extras = 0;
  for (const auto& d : r.divergences) extras += d.kind == "extra";
  EXPECT_EQ(r.divergences.size() - extras, 4u);
  EXPECT_EQ(kind_by_type["campaign:first_tweet:v1:requested@7"], "extra");
  for (const auto& d : r.divergences)
    if (d.kind == "time") {
      ASSERT_TRUE(d.actual_ts_us.has_value());
      EXPECT_LT(*d.actual_ts_us, kStart + 3 * 3600 * 1000000LL);
    }
}

TEST(Replay, LoggedHederaBusyFailsTheMatchingCallAndTheEngineRetries) {
  const std::string busy = line(3, "\"type\": \"hedera:transaction:v1:failed\", \"event_id\": \"h1\", \"campaign_id\": \"c-1\","
                                   " \"payload\": {\"status\": \"BUSY\"}");
  auto r = replay_text(kWorld + create("c-1", 1) + publish("c-1", 2) + busy);
  ASSERT_TRUE(r.sim);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.sim->hedera().scripted_pending(), 0u) << "the failure line was used by a call";
  EXPECT_EQ(r.sim->reader().campaign("c-1")->state, "EXPIRED");
}

TEST(Replay, CrashLineCrashesAndRestartsTheEngine) {
  const std::string crash = line(3, "\"type\": \"engine:crash:v1:observed\", \"event_id\": \"k1\", \"payload\": {\"restart_after_us\": 5000000}");
  auto r = replay_text(kWorld + create("c-1", 1) + publish("c-1", 2) + crash);
  ASSERT_TRUE(r.sim);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.sim->fault_counts().value("crash", 0), 1);
  EXPECT_EQ(r.sim->reader().campaign("c-1")->state, "EXPIRED");
}

TEST(Replay, InvalidCreateIsRefusedForThatLineAndTheReplayGoesOn) {
  std::string bad = create("c-2", 1);
  bad.replace(bad.find("\"budget\": 100000"), 16, "\"budget\": -5");
  auto r = replay_text(kWorld + bad + create("c-1", 1) + publish("c-1", 2));
  ASSERT_TRUE(r.sim);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.refusals.size(), 1u);
  EXPECT_EQ(r.refusals[0].line, 2);
  EXPECT_EQ(r.sim->reader().campaign("c-1")->state, "EXPIRED");
}

// A live service's claim came right after REWARD_CLAIM; in the replayed world the
// close may run a moment later. A claim the log says was accepted waits for it
// (up to the match window); one without that mark is refused at once, as before.
TEST(Replay, CommandAcceptedLiveIsRetriedUntilTheReplayedWorldAcceptsIt) {
  const auto claim = [](const std::string& accepted) {
    return line(3590, "\"type\": \"campaign:claim:v1:requested\", \"event_id\": \"claim-1\", \"campaign_id\": \"c-1\","
                      " \"user_id\": \"u-1\", \"payload\": {" + accepted + "}");
  };
  const std::string base = kWorld + create("c-1", 1) + publish("c-1", 2) + engagement("c-1", "u-1", 30);
  auto waited = replay_text(base + claim("\"accepted\": true"));
  ASSERT_TRUE(waited.sim);
  EXPECT_TRUE(waited.refusals.empty()) << waited.refusals.front().reason;
  const auto rewards = waited.sim->reader().rewards("c-1");
  ASSERT_EQ(rewards.size(), 1u);
  EXPECT_EQ(rewards[0].status, "claimed");

  auto unmarked = replay_text(base + claim(""));
  ASSERT_TRUE(unmarked.sim);
  ASSERT_EQ(unmarked.refusals.size(), 1u);
  EXPECT_NE(unmarked.refusals[0].reason.find("RUNNING"), std::string::npos) << unmarked.refusals[0].reason;
  EXPECT_EQ(unmarked.sim->reader().rewards("c-1")[0].status, "returned");
}

// A create whose id the engine numbered live (payload.id_assigned) is numbered
// again in the replay, so the counter row is written as it was live; a number the
// replay's engine does not give is listed, not silently renamed.
TEST(Replay, AnEngineNumberedCreateIsNumberedAgainAndAnotherNumberIsListed) {
  auto numbered = [](const std::string& id, std::int64_t dt_s) {
    std::string l = create(id, dt_s);
    l.replace(l.rfind("}}"), 2, ", \"id_assigned\": true}}");
    return l;
  };
  const auto same = replay_text(kWorld + numbered("c-1", 1) + numbered("c-2", 2));
  ASSERT_TRUE(same.sim);
  EXPECT_TRUE(same.refusals.empty()) << same.refusals.front().reason;
  ASSERT_EQ(same.sim->reader().campaigns().size(), 2u);

  // An explicit id skips the counter, so the next numbered create is c-1 where the
  // line says c-7.
  const auto other = replay_text(kWorld + create("c-5", 1) + numbered("c-7", 2));
  ASSERT_TRUE(other.sim);
  ASSERT_EQ(other.refusals.size(), 1u);
  EXPECT_EQ(other.refusals[0].line, 3);
  EXPECT_EQ(other.refusals[0].reason, "numbered c-1 here, c-7 live");
}
