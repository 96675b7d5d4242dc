// clsim differential (ctest label `live`): the example workload run on a live stack
// (redis-server, mockd, serve as real processes) and in the simulator ends the same
// in both; the comparison names what differs, live first; a workload the live side
// cannot be given is refused before any process starts; and mockd's
// POST /mock/engagements, the door the workload's engagements go through.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "live/child_process.hpp"
#include "live/mockd_support.hpp"
#include "sim/differential/compare.hpp"

namespace clsim {
namespace {

using nlohmann::json;
using live_test::ChildProcess;
using live_test::clsim_binary;
using live_test::TempDir;

constexpr const char* kWorkload = CLSIM_SOURCE_DIR "/tests/live/workloads/twenty_campaigns.jsonl";

struct Exit {
  int code = -1;  // -1: did not finish in time
  std::string output;
};

// Runs `clsim differential ARGS...` to its end (bounded), stdout and stderr in one log.
Exit run_differential(const TempDir& dir, std::vector<std::string> args, std::chrono::seconds timeout) {
  static int runs = 0;
  args.insert(args.begin(), {clsim_binary(), "differential"});
  ChildProcess child(args, dir.file("differential-" + std::to_string(++runs) + ".log"));
  const auto status = child.wait_exit(timeout);
  Exit out;
  out.output = child.log();
  if (status && WIFEXITED(*status)) out.code = WEXITSTATUS(*status);
  return out;
}

TEST(Differential, TwentyCampaignsEndTheSameLiveAndSimulated) {
  TempDir dir;
  const auto run = run_differential(dir, {kWorkload, "--report", dir.file("report.json"), "--timeout-s", "60"},
                                    std::chrono::seconds(150));
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find("differential: 21 campaigns, 0 differences"), std::string::npos) << run.output;
  std::ifstream in(dir.file("report.json"));
  const auto report = json::parse(in, nullptr, false);
  ASSERT_TRUE(report.is_object()) << run.output;
  EXPECT_EQ(report["differences"], 0);
  EXPECT_EQ(report["campaigns"], 21);
  EXPECT_EQ(report["live"]["unfinished"], "");
  // The workload's refusals happened, in both worlds alike: a stranger's publish, a
  // second publish, an update after publishing, second claims, a claim without a
  // reward, a claim on an unpublished campaign, a redrive of an unknown event.
  for (const auto& row : report["rows"]) {
    if (row["id"] != "refused") continue;
    EXPECT_EQ(row["line"], "lines 9/9") << row.dump();
  }
}

// Two hand-made worlds that differ in every way the comparison looks at.
TEST(Differential, ComparisonNamesEveryDifferenceLiveFirst) {
  differential::Workload w;
  w.campaigns = {"c-1", "c-2"};
  w.rule_campaigns = {"r-1"};
  differential::Outcomes live, sim;
  live.campaigns["c-1"] = {"EXPIRED", "alice", 2, {{"u-1", 100, "claimed"}, {"u-2", 300, "returned"}}};
  sim.campaigns["c-1"] = {"EXPIRED", "alice", 2, {{"u-1", 100, "claimed"}, {"u-2", 300, "returned"}}};
  live.campaigns["c-2"] = {"EXPIRED", "bob", 2, {{"u-3", 500, "claimed"}}};
  sim.campaigns["c-2"] = {"FAILED", "bob", 1, {}};
  live.rule_campaigns["r-1"] = {"ENDED", 20, 10, {{"e-1", "bob", 10, "paid"}, {"e-2", "carol", 10, "paid"}}};
  sim.rule_campaigns["r-1"] = {"ENDED", 10, 20, {{"e-1", "bob", 10, "paid"}, {"e-2", "carol", 10, "unpaid"}}};
  live.dead_letters = {{"e-4", "poison", 1, "amount: not a number"}};
  live.ledger = {{"bob", 999'999'899'500}, {"u-3", 1'000'000'000'500}};
  sim.ledger = {{"bob", 1'000'000'000'000}};
  live.refused = {{12, "409 already claimed"}};
  sim.refused = {{12, "already claimed"}, {14, "wrong state"}};

  const auto c = differential::compare(w, live, sim);
  const std::string table = differential::render(c);
  EXPECT_EQ(c.campaigns, 3);
  // c-2: state, tweets, reward of u-3, balances of bob and u-3; r-1: paid, refunded,
  // match e-2 (bob's balance differs there too: he is matched); the dead letter; line 14.
  EXPECT_EQ(c.differences, 11) << table;
  EXPECT_NE(table.find("c-1  EXPIRED/EXPIRED  tweets 2/2  rewards 2/2  balances ok\n"), std::string::npos) << table;
  EXPECT_NE(table.find("c-2  EXPIRED/FAILED   tweets 2/1  rewards 1/0  balances 2 differ\n"), std::string::npos) << table;
  EXPECT_NE(table.find("    reward u-3: 500 claimed / (none)\n"), std::string::npos) << table;
  EXPECT_NE(table.find("    balance bob: 999999899500 / 1000000000000\n"), std::string::npos) << table;
  EXPECT_NE(table.find("    match e-2: carol 10 paid / carol 10 unpaid\n"), std::string::npos) << table;
  EXPECT_NE(table.find("    dead letter e-4: poison after 1 (amount: not a number) / (none)\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find("    line 14: accepted / refused (wrong state)\n"), std::string::npos) << table;
  EXPECT_NE(table.find("differential: 3 campaigns, 11 differences\n"), std::string::npos) << table;

  // The same outcomes on both sides: nothing to report.
  const auto same = differential::compare(w, live, live);
  EXPECT_EQ(same.differences, 0) << differential::render(same);
}

// Refused before any process starts: exit 2 naming the file and line.
TEST(Differential, WorkloadTheLiveSideCannotBeGivenIsExit2WithFileAndLine) {
  TempDir dir;
  const std::string world =
      R"({"ts_us": 1735689600000000, "type": "clsim:world:v1:config", "payload": {"seed": 1, "world": {}}})";
  const std::string create =
      R"({"ts_us": 1735689601000000, "type": "campaign:create:v1:requested", "event_id": "x-1", "campaign_id": "c-1", )"
      R"("payload": {"owner": "alice", "budget": 100, "rates": {"like": 1, "retweet": 1, "quote": 1, "reply": 1}, )"
      R"("duration_us": 1000000, "claim_window_us": 1000000}})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {world + "\n" + create + "\n" +
           R"({"ts_us": 1735689602000000, "type": "campaign:close:v1:success", "event_id": "x-2", "campaign_id": "c-1"})",
       ":3: clsim differential feeds commands and twitter:engagement:v1:observed lines only"},
      {R"({"ts_us": 1735689600000000, "type": "clsim:world:v1:config", "payload": {"world": {"accounts": {"alice": 5}}}})",
       ":1: world.accounts: the live side cannot be given it"},
      {world + "\n" + create.substr(0, create.find(R"("campaign_id")")) + create.substr(create.find(R"("payload")")),
       ":2: missing field campaign_id"},
      {world + "\n{not json", ":2: malformed JSON"},
  };
  int n = 0;
  for (const auto& [text, expected] : cases) {
    const std::string path = dir.file("bad-" + std::to_string(++n) + ".jsonl");
    std::ofstream(path) << text << "\n";
    const auto run = run_differential(dir, {path}, std::chrono::seconds(30));
    EXPECT_EQ(run.code, 2) << run.output;
    EXPECT_NE(run.output.find(path + expected), std::string::npos) << run.output;
  }
}

TEST(Mockd, PostedEngagementCountsOnceAndBadOnesAreRefused) {
  using namespace mockd_test;
  RunningDaemon d(fast_options());
  const auto posted = post_tweet(d.port(), "brand", "Engage [c-1/1]");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string id = posted.json()["data"]["id"];

  const auto added = http_post(d.port(), "/mock/engagements", {{"tweet_id", id}, {"user_id", "u-1"}, {"kind", "like"}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json()["kind"], "like");
  EXPECT_TRUE(added.json()["at_us"].is_number_integer());
  const auto m = get(d.port(), "/2/tweets?ids=" + id + "&tweet.fields=public_metrics").json();
  EXPECT_EQ(m["data"][0]["public_metrics"]["like_count"], 1) << m;
  const auto likers = get(d.port(), "/2/tweets/" + id + "/liking_users").json();
  EXPECT_EQ(likers["data"][0]["id"], "u-1") << likers;

  EXPECT_EQ(http_post(d.port(), "/mock/engagements", {{"tweet_id", id}, {"user_id", "u-1"}, {"kind", "like"}}).status, 409);
  EXPECT_EQ(http_post(d.port(), "/mock/engagements", {{"tweet_id", "404"}, {"user_id", "u-1"}, {"kind", "like"}}).status,
            404);
  const auto bad_kind = http_post(d.port(), "/mock/engagements", {{"tweet_id", id}, {"user_id", "u-2"}, {"kind", "love"}});
  EXPECT_EQ(bad_kind.status, 400);
  EXPECT_EQ(bad_kind.json()["field"], "kind") << bad_kind.body;
  const auto extra = http_post(d.port(), "/mock/engagements",
                               {{"tweet_id", id}, {"user_id", "u-2"}, {"kind", "like"}, {"at", 1}});
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(extra.json()["field"], "at") << extra.body;
  EXPECT_EQ(http_post(d.port(), "/mock/engagements", {{"tweet_id", id}, {"kind", "like"}}).json()["field"], "user_id");
  EXPECT_EQ(get(d.port(), "/mock/engagements").status, 405);
}

}  // namespace
}  // namespace clsim
