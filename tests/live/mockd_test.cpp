// clsim mockd: the mock X API and ledger on their wire protocols (docs/LIVE.md).
// In-process daemons run on a background thread with small latencies (the
// command itself: mockd_cli_test.cpp). Every wait is bounded.
#include <sys/wait.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "engine/adapters/live/http/url.hpp"
#include "live/child_process.hpp"
#include "live/sync_http.hpp"
#include "live/mockd_support.hpp"
#include "mocks/wire/mock_daemon.hpp"
#include "mocks/wire/wire_json.hpp"

namespace clsim {
namespace {

using namespace mockd_test;

using namespace std::chrono_literals;

using live::url_encode;

// Polls `probe` every 20 ms until it holds or `limit` passes.
template <class F>
bool eventually(F probe, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return probe();
}

std::string receipt_status(int port, const std::string& id) {
  return http_get(port, "/v1/receipts/" + id).json().value("status", "");
}

// Every user id of an engager list, following next_token to the end.
std::vector<std::string> all_engagers(int port, const std::string& path, int page_size) {
  std::vector<std::string> users;
  std::string token;
  for (int page = 0; page < 50; ++page) {
    auto r = get(port, path + "?max_results=" + std::to_string(page_size) + (token.empty() ? "" : "&pagination_token=" + token));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    for (const auto& e : body.value("data", nlohmann::json::array()))
      users.push_back(e.contains("author_id") ? e["author_id"].get<std::string>() : e["id"].get<std::string>());
    if (!body["meta"].contains("next_token")) break;
    token = body["meta"]["next_token"];
  }
  return users;
}

TEST(Mockd, PostedTweetIsFoundBySearchAndLookup) {
  RunningDaemon d(fast_options());
  const auto posted = post_tweet(d.port(), "brand", "Win a prize [c-1/1]");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string id = posted.json()["data"]["id"];
  EXPECT_EQ(posted.json()["data"]["text"], "Win a prize [c-1/1]");
  const auto reply = http_post(d.port(), "/2/tweets",
                               {{"text", "Rules [c-1/2]"}, {"reply", {{"in_reply_to_tweet_id", id}}}}, user("brand"));
  ASSERT_EQ(reply.status, 201) << reply.body;

  const auto search = get(d.port(), "/2/tweets/search/recent?query=" + url_encode("from:brand \"[c-1/\"") +
                                        "&max_results=100&tweet.fields=author_id,referenced_tweets");
  ASSERT_EQ(search.status, 200) << search.body;
  const auto found = search.json();
  ASSERT_EQ(found["meta"]["result_count"], 2);
  EXPECT_EQ(found["data"][1]["id"], id);
  EXPECT_EQ(found["data"][1]["author_id"], "brand");
  EXPECT_EQ(found["data"][0]["referenced_tweets"][0], nlohmann::json({{"type", "replied_to"}, {"id", id}}));

  const auto lookup = get(d.port(), "/2/tweets?ids=" + id + ",42&tweet.fields=public_metrics");
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  EXPECT_EQ(lookup.json()["data"][0]["id"], id);
  EXPECT_EQ(lookup.json()["data"][0]["public_metrics"]["like_count"], 0);
  EXPECT_EQ(lookup.json()["errors"][0]["resource_id"], "42");
}

TEST(Mockd, AudienceEngagementsAppearInEngagerListsWithinSeconds) {
  auto o = fast_options();
  o.twitter.audience = {true, 12, 1.0, 100 * kMs, 2000 * kMs, 1, 1, 1, 1};
  RunningDaemon d(o);
  const auto posted = post_tweet(d.port(), "brand", "Engage with us [c-2/1]");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string id = posted.json()["data"]["id"];
  nlohmann::json m;
  ASSERT_TRUE(eventually([&] {
    m = get(d.port(), "/2/tweets?ids=" + id).json()["data"][0]["public_metrics"];
    return m["like_count"].get<int>() + m["retweet_count"].get<int>() + m["quote_count"].get<int>() +
               m["reply_count"].get<int>() == 12;
  })) << m;
  const auto likes = all_engagers(d.port(), "/2/tweets/" + id + "/liking_users", 1);
  const auto retweets = all_engagers(d.port(), "/2/tweets/" + id + "/retweeted_by", 1);
  const auto quotes = all_engagers(d.port(), "/2/tweets/" + id + "/quote_tweets", 10);
  EXPECT_EQ(int(likes.size()), m["like_count"].get<int>());
  EXPECT_EQ(int(retweets.size()), m["retweet_count"].get<int>());
  EXPECT_EQ(int(quotes.size()), m["quote_count"].get<int>());
  std::set<std::string> users(likes.begin(), likes.end());
  users.insert(retweets.begin(), retweets.end());
  users.insert(quotes.begin(), quotes.end());
  const auto replies = get(d.port(), "/2/tweets/search/recent?query=conversation_id:" + id + "&max_results=10").json();
  EXPECT_EQ(replies["meta"]["result_count"], m["reply_count"]);
  for (const auto& t : replies.value("data", nlohmann::json::array())) users.insert(t["author_id"].get<std::string>());
  EXPECT_EQ(users.size(), 12u);  // each user engaged once, each listed once
  for (const auto& u : users) EXPECT_EQ(u.rfind("u-", 0), 0u) << u;
}

TEST(Mockd, PostNeedsUserContextAndReadsNeedAnyToken) {
  RunningDaemon d(fast_options());
  const auto anonymous = http_post(d.port(), "/2/tweets", {{"text", "hi"}});
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("content-type"), "application/problem+json");
  EXPECT_EQ(anonymous.json()["title"], "Unauthorized");
  const auto app = http_post(d.port(), "/2/tweets", {{"text", "hi"}}, kApp);
  EXPECT_EQ(app.status, 403);
  EXPECT_EQ(app.json()["title"], "Unsupported Authentication");
  EXPECT_EQ(get(d.port(), "/2/tweets/1/liking_users", {}).status, 401);
  EXPECT_EQ(get(d.port(), "/2/tweets/1/liking_users").status, 200);
}

TEST(Mockd, DuplicateTweetIsRefusedWithProblemJson) {
  RunningDaemon d(fast_options());
  ASSERT_EQ(post_tweet(d.port(), "brand", "Same text").status, 201);
  const auto again = post_tweet(d.port(), "brand", "Same text");
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(again.header("content-type"), "application/problem+json");
  EXPECT_EQ(again.json(), nlohmann::json({{"title", "Forbidden"},
                                          {"detail", "You are not allowed to create a Tweet with duplicate content."},
                                          {"type", "about:blank"},
                                          {"status", 403}}));
}

TEST(Mockd, EveryXAnswerCarriesRateLimitHeaders) {
  RunningDaemon d(fast_options());
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const auto posted = post_tweet(d.port(), "brand", "Headers [c-3/1]");
  const std::string id = posted.json()["data"]["id"];
  const std::vector<SyncResponse> answers = {
      posted,
      post_tweet(d.port(), "brand", "Headers [c-3/1]"),  // 403 duplicate
      http_post(d.port(), "/2/tweets", {{"text", "x"}}),  // 401
      get(d.port(), "/2/tweets/search/recent?query=" + url_encode("from:brand \"c-3\"")),
      get(d.port(), "/2/tweets?ids=" + id),
      get(d.port(), "/2/tweets/" + id + "/liking_users"),
      get(d.port(), "/2/tweets/" + id + "/retweeted_by"),
      get(d.port(), "/2/tweets/" + id + "/quote_tweets"),
      get(d.port(), "/2/tweets/search/recent?query=conversation_id:" + id),
  };
  for (const auto& a : answers) {
    ASSERT_NE(a.status, 0) << a.error;
    ASSERT_FALSE(a.header("x-rate-limit-limit").empty()) << a.status << " " << a.body;
    const auto limit = std::stoll(a.header("x-rate-limit-limit"));
    const auto remaining = std::stoll(a.header("x-rate-limit-remaining"));
    const auto reset = std::stoll(a.header("x-rate-limit-reset"));
    // Limits off: the documented limit, all of it left, a window ahead.
    EXPECT_EQ(remaining, limit) << a.body;
    EXPECT_GE(reset, now_s + 15 * 60 - 5);
  }
  EXPECT_EQ(answers[5].header("x-rate-limit-limit"), "75");
  EXPECT_EQ(answers[0].header("x-rate-limit-limit"), "100");
}

TEST(Mockd, ExhaustedRateLimitAnswers429WithReset) {
  auto o = fast_options();
  o.twitter.faults.rate_limit = true;
  for (auto& rule : o.twitter.rate_limits)
    if (rule.endpoint == mocks::kLikingUsers) rule.limit = 3;
  RunningDaemon d(o);
  for (int i = 0; i < 3; ++i) {
    const auto r = get(d.port(), "/2/tweets/7/liking_users");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("x-rate-limit-limit"), "3");
    EXPECT_EQ(r.header("x-rate-limit-remaining"), std::to_string(2 - i));
  }
  const auto refused = get(d.port(), "/2/tweets/7/liking_users");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.json()["title"], "Too Many Requests");
  EXPECT_EQ(refused.header("x-rate-limit-remaining"), "0");
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  EXPECT_GE(std::stoll(refused.header("x-rate-limit-reset")), now_s + 15 * 60 - 5);
  EXPECT_EQ(get(d.port(), "/2/tweets/7/retweeted_by").status, 200);  // another bucket
}

TEST(Mockd, TweetCreatedButUnansweredMeetsDuplicateOnRetry) {
  auto o = fast_options();
  o.twitter.faults.timeout_after_create_rate = 1;
  o.twitter.faults.timeout_delay = 200 * kMs;
  RunningDaemon d(o);
  const auto start = std::chrono::steady_clock::now();
  const auto lost = post_tweet(d.port(), "brand", "Lost answer");
  EXPECT_EQ(lost.status, 0);  // the connection closed without an answer
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  const auto state = http_get(d.port(), "/mock/state").json();
  ASSERT_EQ(state["tweets"].size(), 1u);
  EXPECT_EQ(state["tweets"][0]["text"], "Lost answer");
  EXPECT_EQ(state["faults"]["twitter_timeout_after_create"], 1);
  // No idempotency key: the retry meets the duplicate-content refusal.
  const auto retry = post_tweet(d.port(), "brand", "Lost answer");
  EXPECT_EQ(retry.status, 403);
  EXPECT_EQ(retry.json()["detail"], engine::kDuplicateContentDetail);
}

TEST(Mockd, LedgerTransferSucceedsAfterConsensusAndIsFoundByMemo) {
  RunningDaemon d(fast_options());
  const std::string id = now_transaction_id("0.0.2");
  const auto submitted = http_post(d.port(), "/v1/transactions", transfer(id, "brand", "u-1", 250, "clsim:c-1:claim:u-1"));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(submitted.json(), nlohmann::json({{"precheck", "OK"}}));
  EXPECT_EQ(receipt_status(d.port(), url_encode(id)), "UNKNOWN");
  ASSERT_TRUE(eventually([&] { return receipt_status(d.port(), id) == "SUCCESS"; }, 3000ms));
  // The mirror shows it mirror_lag after consensus.
  live_test::SyncResponse mirror;
  ASSERT_TRUE(eventually(
      [&] {
        mirror = http_get(d.port(), "/api/v1/transactions?memo=" + url_encode("clsim:c-1:claim:u-1"));
        return mirror.status == 200 && !mirror.json()["transactions"].empty();
      },
      3000ms))
      << mirror.status << " " << mirror.body;
  const auto body = mirror.json();
  ASSERT_EQ(body["transactions"].size(), 1u);
  const auto& tx = body["transactions"][0];
  const auto at = id.find('@');
  std::string mirror_id = id;
  mirror_id[at] = '-';
  mirror_id[mirror_id.find('.', at)] = '-';
  EXPECT_EQ(tx["transaction_id"], mirror_id);
  EXPECT_EQ(tx["memo_base64"], mocks::wire::base64_encode("clsim:c-1:claim:u-1"));
  EXPECT_EQ(tx["result"], "SUCCESS");
  EXPECT_TRUE(body["links"]["next"].is_null());
  EXPECT_EQ(http_get(d.port(), "/api/v1/transactions?memo=nothing").json()["transactions"].size(), 0u);
  EXPECT_EQ(receipt_status(d.port(), now_transaction_id("0.0.2", 7)), "RECEIPT_NOT_FOUND");
}

TEST(Mockd, ResubmittedTransactionIdIsDuplicate) {
  RunningDaemon d(fast_options());
  const auto body = transfer(now_transaction_id("0.0.2"), "brand", "escrow:c-1", 1000, "clsim:c-1:fund");
  EXPECT_EQ(http_post(d.port(), "/v1/transactions", body).json()["precheck"], "OK");
  EXPECT_EQ(http_post(d.port(), "/v1/transactions", body).json()["precheck"], "DUPLICATE_TRANSACTION");
}

TEST(Mockd, BalancesAddUpToMintedAfterTransfers) {
  RunningDaemon d(fast_options());
  const std::vector<std::pair<std::string, std::string>> moves = {
      {"brand", "escrow:c-1"}, {"escrow:c-1", "u-1"}, {"escrow:c-1", "u-2"}, {"escrow:c-1", "brand"}};
  std::int64_t offset = 0;
  for (const auto& [from, to] : moves) {
    const auto id = now_transaction_id("0.0.2", offset++);
    ASSERT_EQ(http_post(d.port(), "/v1/transactions", transfer(id, from, to, from == "brand" ? 900 : 300, "m")).status,
              200);
    ASSERT_TRUE(eventually([&] { return receipt_status(d.port(), id) == "SUCCESS"; }, 3000ms)) << from << "->" << to;
  }
  const auto state = http_get(d.port(), "/mock/state").json();
  std::int64_t sum = 0;
  for (const auto& [account, amount] : state["balances"].items()) sum += amount.get<std::int64_t>();
  EXPECT_EQ(sum, state["minted"].get<std::int64_t>());
  EXPECT_EQ(state["balances"]["escrow:c-1"], 0);
  EXPECT_EQ(state["balances"]["u-2"].get<std::int64_t>() - state["balances"]["u-1"].get<std::int64_t>(), 0);
}

TEST(Mockd, MalformedLedgerRequestsNameTheField) {
  RunningDaemon d(fast_options());
  auto body = transfer(now_transaction_id("0.0.2"), "brand", "u-1", 5, "m");
  body["amount"] = 1.5;
  auto r = http_post(d.port(), "/v1/transactions", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["field"], "amount");
  body["amount"] = 5;
  body["transaction_id"] = "0.0.2@12.5";
  EXPECT_EQ(http_post(d.port(), "/v1/transactions", body).json()["field"], "transaction_id");
  body.erase("transaction_id");
  EXPECT_EQ(http_post(d.port(), "/v1/transactions", body).json()["field"], "transaction_id");
  EXPECT_EQ(http_get(d.port(), "/v1/receipts/nonsense").json()["field"], "transaction_id");
  EXPECT_EQ(http_get(d.port(), "/api/v1/transactions").json()["field"], "memo");
}

TEST(Mockd, LedgerUnknownOutcomeClosesTheConnectionButExecutes) {
  auto o = fast_options();
  o.hedera.faults.unknown_outcome_rate = 1;
  o.hedera.faults.timeout_delay = 200 * kMs;
  RunningDaemon d(o);
  const std::string id = now_transaction_id("0.0.2");
  const auto r = http_post(d.port(), "/v1/transactions", transfer(id, "brand", "u-1", 5, "clsim:c-9:claim:u-1"));
  EXPECT_EQ(r.status, 0) << r.body;
  EXPECT_TRUE(eventually([&] { return receipt_status(d.port(), id) == "SUCCESS"; }, 3000ms));
}

TEST(Mockd, UnknownPathIs404AndWrongMethodIs405) {
  RunningDaemon d(fast_options());
  EXPECT_EQ(http_get(d.port(), "/nothing/here").status, 404);
  EXPECT_EQ(http_get(d.port(), "/nothing/here").json().contains("error"), true);
  const auto wrong = http_call("127.0.0.1", d.port(), SyncRequest{"DELETE", "/2/tweets", {}, kApp});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET, POST");
  EXPECT_EQ(http_get(d.port(), "/v1/transactions").status, 405);
  EXPECT_EQ(http_get(d.port(), "/healthz").json(), nlohmann::json({{"status", "ok"}}));
}

TEST(MockdWire, TransactionIdsParseOnlyWholeMicroseconds) {
  const auto id = mocks::wire::parse_transaction_id("0.0.2@1735689600.000250000");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->payer, "0.0.2");
  EXPECT_EQ(id->to_string(), "0.0.2@1735689600.000250000");
  EXPECT_EQ(mocks::wire::mirror_transaction_id(*id), "0.0.2-1735689600-000250000");
  EXPECT_FALSE(mocks::wire::parse_transaction_id("0.0.2@1735689600.000250001"));
  EXPECT_FALSE(mocks::wire::parse_transaction_id("0.0.2@1735689600.25"));
  EXPECT_FALSE(mocks::wire::parse_transaction_id("@1735689600.000000000"));
  EXPECT_EQ(mocks::wire::base64_encode("clsim:c-1"), "Y2xzaW06Yy0x");
  EXPECT_EQ(mocks::wire::base64_encode("ab"), "YWI=");
}

TEST(MockdWire, SearchQueriesAreFromPhraseOrConversation) {
  const auto from = mocks::wire::parse_search_query("from:brand \"[c-1/\"");
  ASSERT_TRUE(from);
  EXPECT_FALSE(from->conversation);
  EXPECT_EQ(from->account, "brand");
  EXPECT_EQ(from->phrase, "[c-1/");
  const auto conversation = mocks::wire::parse_search_query("conversation_id:1850000000000000001");
  ASSERT_TRUE(conversation);
  EXPECT_EQ(conversation->conversation_id, "1850000000000000001");
  EXPECT_FALSE(mocks::wire::parse_search_query("from:brand unquoted"));
  EXPECT_FALSE(mocks::wire::parse_search_query("cats"));
}

}  // namespace
}  // namespace clsim
