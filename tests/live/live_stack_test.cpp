// The live stack end to end (ctest label `live`): redis-server, clsim mockd and
// clsim serve as real processes on loopback, driven over HTTP and a WebSocket as
// a client would; the capture then replays in the simulator to the same outcome.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <set>

#include "live/live_stack.hpp"
#include "live/ws_test_client.hpp"

namespace clsim::live_test {
namespace {

using nlohmann::json;
constexpr auto kSecond = std::chrono::seconds(1);

json campaign_body() {
  return {{"owner", "alice"},
          {"budget", 1'000'000},
          {"rates", {{"like", 100}, {"retweet", 300}, {"quote", 500}, {"reply", 200}}},
          {"text", "Try the live stack"},
          {"duration_us", 15'000'000},
          {"claim_window_us", 10'000'000}};
}

json rule_campaign_body() {
  return {{"owner", "shop"},
          {"budget", 1000},
          {"duration_us", 20'000'000},
          {"rules", json::array({{{"event_type", "purchase"},
                                  {"when", json::array({{{"field", "amount"}, {"op", ">"}, {"value", 50}}})},
                                  {"reward", 10}}})}};
}

// Bad requests are refused with the status their fault calls for, and write nothing.
void expect_bad_requests_refused(LiveStack& stack) {
  const auto no_token = http_post(stack.serve_port(), "/v1/campaigns", campaign_body());
  EXPECT_EQ(no_token.status, 401) << no_token.body;
  auto big = campaign_body();
  big["text"] = std::string(70 * 1024, 'x');
  EXPECT_EQ(stack.post("/v1/campaigns", big).status, 413);
  const auto bad_json = http_call("127.0.0.1", stack.serve_port(),
                                  SyncRequest{"POST", "/v1/campaigns", "{\"owner\": ",
                                              {{"authorization", "Bearer test-token"}}});
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(bad_json.json().value("error", "").find("parse error"), std::string::npos) << bad_json.body;
  auto no_budget = campaign_body();
  no_budget.erase("budget");
  const auto missing = stack.post("/v1/campaigns", no_budget);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json().value("field", ""), "budget") << missing.body;
  auto negative = campaign_body();
  negative["rates"]["like"] = -1;
  const auto invalid = stack.post("/v1/campaigns", negative);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json().value("field", ""), "rates.like") << invalid.body;
  EXPECT_EQ(stack.get("/v1/campaigns").json()["campaigns"].size(), 0u) << "a refused request wrote something";
  EXPECT_EQ(stack.get("/v1/campaigns/c-404").status, 404);
  EXPECT_EQ(stack.post("/v1/campaigns/c-404/publish", json::object()).status, 404);
}

// The rule campaign: a match paid once, a duplicate event ignored, a poison one dead-lettered.
void drive_rule_campaign(LiveStack& stack) {
  const auto created = stack.post("/v1/rule-campaigns", rule_campaign_body());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string rid = created.json().at("id");
  const json purchase = {{"event_id", "e-1"}, {"type", "purchase"}, {"user_id", "bob"}, {"data", {{"amount", 75}}}};
  EXPECT_EQ(stack.post("/v1/events", purchase).status, 202);
  const auto again = stack.post("/v1/events", purchase);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json().value("duplicate", false), true) << again.body;
  const json poison = {{"event_id", "e-2"}, {"type", "purchase"}, {"user_id", "carol"}, {"data", {{"amount", "lots"}}}};
  EXPECT_EQ(stack.post("/v1/events", poison).status, 202);
  const auto matches = stack.poll_until(
      "/v1/rule-campaigns/" + rid + "/matches",
      [](const json& j) { return j.contains("matches") && j["matches"].size() == 1 && j["matches"][0]["status"] == "paid"; },
      30 * kSecond);
  ASSERT_EQ(matches["matches"].size(), 1u) << matches.dump() << stack.logs();
  EXPECT_EQ(matches["matches"][0]["event_id"], "e-1");
  EXPECT_EQ(matches["matches"][0]["reward"], 10);
  const auto dead = stack.poll_until(
      "/v1/dead-letters", [](const json& j) { return j.contains("dead_letters") && !j["dead_letters"].empty(); },
      20 * kSecond);
  ASSERT_EQ(dead["dead_letters"].size(), 1u) << dead.dump();
  EXPECT_EQ(dead["dead_letters"][0]["event_id"], "e-2");
  EXPECT_EQ(dead["dead_letters"][0]["reason"], "poison");
}

// Every frame of one campaign, in order and without gaps, until EXPIRED.
std::vector<json> frames_until_expired(WsTestClient& ws, std::chrono::seconds timeout) {
  std::vector<json> frames;
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    auto f = ws.read(std::chrono::milliseconds(500));
    if (!f) continue;
    frames.push_back(json::parse(*f));
    if (frames.back()["state"] == "EXPIRED") break;
  }
  return frames;
}

// A Lua check file: the replayed world must end as the live one did.
std::string replay_check(const json& campaign, const json& mock_state) {
  std::string lua = "check(state('c-1') == 'EXPIRED', 'c-1 ends EXPIRED')\n"
                    "check(#tweets('c-1') == " + std::to_string(campaign["tweets"].size()) + ", 'tweets')\n"
                    "local got = {}\nfor _, r in ipairs(rewards('c-1')) do got[r.user] = r end\n"
                    "check(#rewards('c-1') == " + std::to_string(campaign["rewards"].size()) + ", 'reward count')\n";
  for (const auto& r : campaign["rewards"]) {
    const std::string u = r["user"];
    lua += "check(got['" + u + "'] and got['" + u + "'].amount == " + std::to_string(r["amount"].get<long long>()) +
           " and got['" + u + "'].status == '" + r["status"].get<std::string>() + "', 'reward of " + u + "')\n";
  }
  for (const auto& account : {"alice", "escrow:c-1", "shop", "escrow:r-1", "bob"}) {
    const auto& b = mock_state["balances"];
    if (!b.contains(account)) continue;
    lua += std::string("check(balance('") + account + "') == " + std::to_string(b[account].get<long long>()) +
           ", 'balance of " + account + "')\n";
  }
  return lua;
}

TEST(LiveStack, CampaignRunsToExpiredWithAPaidClaimAndReplaysToTheSameOutcome) {
  LiveStack stack;
  expect_bad_requests_refused(stack);
  WsTestClient ws(stack.serve_port(), "/v1/ws?campaign=c-1&since=0");

  const auto created = stack.post("/v1/campaigns", campaign_body());
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(created.json().at("id"), "c-1");
  ASSERT_EQ(stack.post("/v1/campaigns/c-1/publish", json::object()).status, 202);
  EXPECT_EQ(stack.post("/v1/campaigns/c-1/publish", json::object()).status, 409) << "a second publish is refused";
  drive_rule_campaign(stack);

  const auto claimable = stack.poll_until("/v1/campaigns/c-1", [](const json& c) { return c["state"] == "REWARD_CLAIM"; },
                                          60 * kSecond);
  ASSERT_EQ(claimable["state"], "REWARD_CLAIM") << claimable.dump() << stack.logs();
  ASSERT_FALSE(claimable["rewards"].empty()) << "the mock audience engaged with nobody";
  const std::string winner = claimable["rewards"][0]["user"];
  const auto claim = stack.post("/v1/campaigns/c-1/claims", {{"user_id", winner}});
  ASSERT_EQ(claim.status, 200) << claim.body;
  EXPECT_GT(claim.json().value("amount", 0), 0);
  EXPECT_EQ(stack.post("/v1/campaigns/c-1/claims", {{"user_id", winner}}).status, 409) << "a second claim";

  const auto frames = frames_until_expired(ws, std::chrono::seconds(60));
  ASSERT_FALSE(frames.empty());
  for (std::size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(frames[i]["seq"], json(i + 1)) << "a gap or a repeat";
  EXPECT_EQ(frames.back()["state"], "EXPIRED") << stack.logs();

  const auto ended = stack.poll_until(
      "/v1/rule-campaigns/r-1", [](const json& r) { return r["state"] == "ENDED" && r["refunded"] > 0; }, 30 * kSecond);
  EXPECT_EQ(ended["refunded"], 1000 - 10) << "the rule campaign refunds what it did not pay";
  const auto done = stack.get("/v1/campaigns/c-1").json();
  ASSERT_EQ(done["state"], "EXPIRED");
  EXPECT_EQ(done["tweets"].size(), 2u);
  const auto mock = stack.mock_state();
  int marked = 0;
  for (const auto& t : mock["tweets"]) marked += t["text"].get<std::string>().find("[c-1/") != std::string::npos;
  EXPECT_EQ(marked, 2) << "exactly two tweets on the mock X";
  long long sum = 0;
  for (const auto& [account, amount] : mock["balances"].items()) sum += amount.get<long long>();
  EXPECT_EQ(sum, mock["minted"].get<long long>()) << "money is conserved";
  EXPECT_NE(stack.get("/metrics").body.find("clsim_http_requests_total"), std::string::npos);

  ASSERT_TRUE(stack.serve().stop().has_value());
  std::ofstream(stack.dir().file("check.lua")) << replay_check(done, mock);
  ChildProcess replay({clsim_binary(), "replay", stack.capture_path(), "--check", stack.dir().file("check.lua"),
                       "--report", stack.dir().file("replay.json")},
                      stack.dir().file("replay.log"));
  const auto status = replay.wait_exit(std::chrono::seconds(60));
  ASSERT_TRUE(status.has_value()) << "replay did not finish";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << replay.log();
  // The same outcomes, each once: real latencies may move them in time, nothing else.
  std::ifstream report_file(stack.dir().file("replay.json"));
  const auto report = json::parse(report_file, nullptr, false);
  ASSERT_TRUE(report.is_object()) << replay.log();
  for (const auto& d : report.value("divergences", json::array()))
    EXPECT_EQ(d["kind"], "time") << d.dump();
  // Refused in the replay exactly what the live engine refused: the invalid
  // create, the second publish and the second claim.
  std::multiset<std::string> refused;
  for (const auto& r : report.value("refusals", json::array())) refused.insert(r.value("type", ""));
  EXPECT_EQ(refused, (std::multiset<std::string>{"campaign:create:v1:requested", "campaign:publish:v1:requested",
                                                 "campaign:claim:v1:requested"}))
      << report["refusals"].dump();
}

// The outside world's failures are part of a live run: the capture records each
// failed call, and the replay meets them again and ends the same way.
TEST(LiveStack, FailedOutsideCallsAreCapturedAndTheReplayEndsTheSame) {
  LiveStackOptions options;
  options.mockd_faults = "return { hedera = { busy_rate = 0.4 }, twitter = { error_rate = 0.2 } }\n";
  LiveStack stack(options);
  auto body = campaign_body();
  body["duration_us"] = 10'000'000;
  ASSERT_EQ(stack.post("/v1/campaigns", body).status, 201);
  ASSERT_EQ(stack.post("/v1/campaigns/c-1/publish", json::object()).status, 202);
  const auto claimable = stack.poll_until("/v1/campaigns/c-1", [](const json& c) { return c["state"] == "REWARD_CLAIM"; },
                                          90 * kSecond);
  ASSERT_EQ(claimable["state"], "REWARD_CLAIM") << claimable.dump() << stack.logs();
  if (!claimable["rewards"].empty()) {
    const auto claim = stack.post("/v1/campaigns/c-1/claims", {{"user_id", claimable["rewards"][0]["user"]}});
    EXPECT_EQ(claim.status, 200) << claim.body;
  }
  const auto done = stack.poll_until("/v1/campaigns/c-1", [](const json& c) { return c["state"] == "EXPIRED"; },
                                     90 * kSecond);
  ASSERT_EQ(done["state"], "EXPIRED") << stack.logs();
  const auto mock = stack.mock_state();
  ASSERT_GT(mock["faults"].value("hedera_busy", 0), 0) << "the faults file took effect";
  ASSERT_TRUE(stack.serve().stop().has_value());

  std::ifstream capture(stack.capture_path());
  int ledger_failures = 0;
  for (std::string line; std::getline(capture, line);) {
    const auto j = json::parse(line);
    if (j["type"] == "hedera:transaction:v1:failed" && j["payload"]["status"] == "BUSY") {
      ++ledger_failures;
      EXPECT_EQ(j.value("campaign_id", ""), "c-1") << line;
    }
  }
  EXPECT_EQ(ledger_failures, mock["faults"]["hedera_busy"].get<int>()) << "every BUSY the service met is in the capture";

  std::ofstream(stack.dir().file("check.lua")) << replay_check(done, mock);
  ChildProcess replay({clsim_binary(), "replay", stack.capture_path(), "--check", stack.dir().file("check.lua"),
                       "--report", stack.dir().file("replay.json")},
                      stack.dir().file("replay.log"));
  const auto status = replay.wait_exit(std::chrono::seconds(60));
  ASSERT_TRUE(status.has_value()) << "replay did not finish";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << replay.log();
  std::ifstream report_file(stack.dir().file("replay.json"));
  const auto report = json::parse(report_file, nullptr, false);
  ASSERT_TRUE(report.is_object()) << replay.log();
  EXPECT_EQ(report["faults"].value("hedera_scripted", 0), ledger_failures) << "the replay met every captured failure";
  for (const auto& d : report.value("divergences", json::array())) EXPECT_EQ(d["kind"], "time") << d.dump();
}

}  // namespace
}  // namespace clsim::live_test
