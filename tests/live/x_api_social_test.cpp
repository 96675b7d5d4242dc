// XApiSocial against an in-process HttpServer playing X: each test checks what
// the adapter sent (method, path, query, bearer token, JSON body) and what the
// engine gets back for X's answer.
#include "engine/adapters/live/x/x_api_social.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "engine/adapters/live/http/http_server.hpp"
#include "engine/adapters/live/metrics.hpp"
#include "live/canned_server.hpp"

namespace clsim::live {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAppToken = "app-secret-token";

// X on 127.0.0.1: records every request and answers with the canned answer.
using FakeX = CannedServer;

XApiOptions options_for(const std::string& url) {
  XApiOptions o;
  o.base_url = url;
  o.app_token = kAppToken;
  o.user_token = [](const std::string& account) -> std::optional<std::string> {
    if (account == "alice") return "user:alice";
    return std::nullopt;
  };
  o.timeout = engine::Duration(2'000'000);
  return o;
}

engine::PostTweetResult post(asio::io_context& io, XApiSocial& x, engine::PostTweetRequest req) {
  return complete<engine::PostTweetResult>(io, [&](auto done) { x.post_tweet(req, done); });
}
engine::SearchResult search(asio::io_context& io, XApiSocial& x, engine::SearchRequest req) {
  return complete<engine::SearchResult>(io, [&](auto done) { x.search_recent(req, done); });
}
engine::MetricsResult metrics(asio::io_context& io, XApiSocial& x, std::vector<std::string> ids) {
  return complete<engine::MetricsResult>(io, [&](auto done) { x.lookup_metrics(ids, done); });
}
engine::EngagersPage engagers(asio::io_context& io, XApiSocial& x, engine::EngagersRequest req) {
  return complete<engine::EngagersPage>(io, [&](auto done) { x.list_engagers(req, done); });
}

json problem(const char* title, const char* detail, int status) {
  return {{"title", title}, {"detail", detail}, {"type", "about:blank"}, {"status", status}};
}

TEST(XApiSocial, PostSendsTextAndReplyWithTheAccountsUserToken) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::created, {{"data", {{"id", "1880000000000000002"}, {"text", "second"}}}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = post(io, x, {"alice", "second", "1880000000000000001"});
  EXPECT_EQ(r.status.http, 201);
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.tweet.id, "1880000000000000002");
  EXPECT_EQ(r.tweet.text, "second");
  EXPECT_EQ(r.tweet.author, "alice");
  EXPECT_EQ(r.tweet.in_reply_to, "1880000000000000001");
  ASSERT_EQ(fake.seen.size(), 1u);
  EXPECT_EQ(fake.last().method(), http::verb::post);
  EXPECT_EQ(fake.path(), "/2/tweets");
  EXPECT_EQ(fake.authorization(), "Bearer user:alice");
  EXPECT_EQ(json::parse(fake.last().body()),
            (json{{"text", "second"}, {"reply", {{"in_reply_to_tweet_id", "1880000000000000001"}}}}));
}

TEST(XApiSocial, PostWithoutReplySendsOnlyTheText) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::created, {{"data", {{"id", "7"}, {"text", "hi"}}}}};
  XApiSocial x(io, options_for(fake.url()));
  EXPECT_TRUE(post(io, x, {"alice", "hi", std::nullopt}).status.ok());
  EXPECT_EQ(json::parse(fake.last().body()), (json{{"text", "hi"}}));
}

TEST(XApiSocial, PostWithoutAUserTokenIsRefusedWithoutSending) {
  asio::io_context io;
  FakeX fake(io);
  XApiSocial x(io, options_for(fake.url()));
  const auto r = post(io, x, {"bob", "hello", std::nullopt});
  EXPECT_EQ(r.status.http, 401);
  EXPECT_EQ(r.status.title, "Unauthorized");
  EXPECT_TRUE(fake.seen.empty());
}

TEST(XApiSocial, DuplicateContentAnswerIsReportedAsDuplicate) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::forbidden, problem("Forbidden", engine::kDuplicateContentDetail, 403), {},
                 "application/problem+json"};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = post(io, x, {"alice", "again", std::nullopt});
  EXPECT_EQ(r.status.http, 403);
  EXPECT_EQ(r.status.title, "Forbidden");
  EXPECT_EQ(r.status.detail, engine::kDuplicateContentDetail);
  EXPECT_TRUE(r.status.duplicate_content());
}

TEST(XApiSocial, UnauthorizedProblemIsReadAsTitleAndDetail) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::unauthorized, problem("Unauthorized", "Unauthorized", 401), {},
                 "application/problem+json"};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = post(io, x, {"alice", "hi", std::nullopt});
  EXPECT_EQ(r.status.http, 401);
  EXPECT_EQ(r.status.title, "Unauthorized");
  EXPECT_EQ(r.status.detail, "Unauthorized");
  EXPECT_FALSE(r.status.duplicate_content());
}

TEST(XApiSocial, RateLimitedAnswerCarriesTheResetAndTheBucket) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::too_many_requests,
                 problem("Too Many Requests", "Too Many Requests", 429),
                 {{"x-rate-limit-limit", "100"}, {"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "1735690500"}},
                 "application/problem+json"};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = post(io, x, {"alice", "hi", std::nullopt});
  EXPECT_TRUE(r.status.rate_limited());
  EXPECT_EQ(r.status.title, "Too Many Requests");
  EXPECT_EQ(r.status.rate_limit_reset, engine::from_us(1735690500LL * 1'000'000));
  EXPECT_EQ(r.status.rate_limit_limit, 100);
  EXPECT_EQ(r.status.rate_limit_remaining, 0);
}

TEST(XApiSocial, ServiceUnavailableIsAServerError) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::service_unavailable, problem("Service Unavailable", "Service Unavailable", 503), {},
                 "application/problem+json"};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = metrics(io, x, {"1"});
  EXPECT_EQ(r.status.http, 503);
  EXPECT_TRUE(r.status.server_error());
  EXPECT_EQ(r.status.title, "Service Unavailable");
  EXPECT_EQ(r.status.rate_limit_limit, -1);  // not reported
}

TEST(XApiSocial, OlderErrorsShapeAndBareBodiesStillGiveTitleAndDetail) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::too_many_requests, {{"errors", {{{"code", 88}, {"message", "Rate limit exceeded"}}}}}};
  XApiSocial x(io, options_for(fake.url()));
  auto r = metrics(io, x, {"1"});
  EXPECT_EQ(r.status.http, 429);
  EXPECT_EQ(r.status.title, "Too Many Requests");
  EXPECT_EQ(r.status.detail, "Rate limit exceeded");

  fake.answer = {http::status::bad_gateway, "upstream down"};  // a JSON string, not a problem
  r = metrics(io, x, {"1"});
  EXPECT_EQ(r.status.http, 502);
  EXPECT_EQ(r.status.title, "Bad Gateway");
}

TEST(XApiSocial, SearchRecentAsksFromTheAccountForThePhraseAndReadsReplies) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::ok,
                 {{"data",
                   {{{"id", "11"}, {"text", "thread start [cmp-1]"}, {"author_id", "alice"}},
                    {{"id", "12"},
                     {"text", "thread end [cmp-1]"},
                     {"author_id", "alice"},
                     {"referenced_tweets",
                      {{{"type", "quoted"}, {"id", "5"}}, {{"type", "replied_to"}, {"id", "11"}}}}}}},
                  {"meta", {{"result_count", 2}}}},
                 {{"x-rate-limit-limit", "450"},
                  {"x-rate-limit-remaining", "449"},
                  {"x-rate-limit-reset", "1735690500"}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = search(io, x, {"alice", "[cmp-1]"});
  EXPECT_EQ(r.status.http, 200);
  EXPECT_EQ(r.status.rate_limit_limit, 450);
  EXPECT_EQ(r.status.rate_limit_remaining, 449);
  ASSERT_EQ(r.tweets.size(), 2u);
  EXPECT_EQ(r.tweets[0].id, "11");
  EXPECT_EQ(r.tweets[0].author, "alice");
  EXPECT_FALSE(r.tweets[0].in_reply_to);
  EXPECT_EQ(r.tweets[1].in_reply_to, "11");
  EXPECT_EQ(fake.last().method(), http::verb::get);
  EXPECT_EQ(fake.path(), "/2/tweets/search/recent");
  EXPECT_EQ(fake.query("query"), "from:alice \"[cmp-1]\"");
  EXPECT_EQ(fake.query("max_results"), "100");
  EXPECT_EQ(fake.query("tweet.fields"), "author_id,referenced_tweets");
  EXPECT_EQ(fake.authorization(), std::string("Bearer ") + kAppToken);
}

TEST(XApiSocial, SearchWithoutAnAppTokenUsesTheAccountsUserToken) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::ok, {{"meta", {{"result_count", 0}}}}};
  auto options = options_for(fake.url());
  options.app_token = "";
  XApiSocial x(io, options);
  const auto r = search(io, x, {"alice", "marker"});
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.tweets.empty());  // X leaves data out when nothing matched
  EXPECT_EQ(fake.authorization(), "Bearer user:alice");
}

TEST(XApiSocial, LookupMetricsSendsTheIdsAndIgnoresErrorEntries) {
  asio::io_context io;
  FakeX fake(io);
  auto pm = [](int like, int rt, int quote, int reply) {
    return json{{"like_count", like}, {"retweet_count", rt}, {"quote_count", quote}, {"reply_count", reply},
                {"impression_count", 1000}};
  };
  fake.answer = {http::status::ok,
                 {{"data",
                   {{{"id", "1"}, {"text", "a"}, {"public_metrics", pm(5, 4, 3, 2)}},
                    {{"id", "3"}, {"text", "c"}, {"public_metrics", pm(0, 0, 0, 1)}}}},
                  {"errors",
                   {{{"value", "2"},
                     {"detail", "Could not find tweet with ids: [2]."},
                     {"title", "Not Found Error"}}}}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = metrics(io, x, {"1", "2", "3"});
  EXPECT_TRUE(r.status.ok());
  ASSERT_EQ(r.metrics.size(), 2u);
  EXPECT_EQ(r.metrics[0].tweet_id, "1");
  EXPECT_EQ(r.metrics[0].like_count, 5);
  EXPECT_EQ(r.metrics[0].retweet_count, 4);
  EXPECT_EQ(r.metrics[0].quote_count, 3);
  EXPECT_EQ(r.metrics[0].reply_count, 2);
  EXPECT_EQ(r.metrics[1].tweet_id, "3");
  EXPECT_EQ(r.metrics[1].reply_count, 1);
  EXPECT_EQ(fake.path(), "/2/tweets");
  EXPECT_EQ(fake.query("ids"), "1,2,3");
  EXPECT_EQ(fake.query("tweet.fields"), "public_metrics");
  EXPECT_EQ(fake.authorization(), std::string("Bearer ") + kAppToken);
}

TEST(XApiSocial, ListEngagersForLikesReadsUserIdsAndTheNextToken) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::ok,
                 {{"data", {{{"id", "u1"}, {"username", "one"}}, {{"id", "u2"}, {"username", "two"}}}},
                  {"meta", {{"result_count", 2}, {"next_token", "page-2"}}}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = engagers(io, x, {"42", engine::EngagementKind::like, std::string("page-1"), 100});
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.user_ids, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(r.next_token, "page-2");
  EXPECT_EQ(fake.path(), "/2/tweets/42/liking_users");
  EXPECT_EQ(fake.query("max_results"), "100");
  EXPECT_EQ(fake.query("pagination_token"), "page-1");
}

TEST(XApiSocial, ListEngagersForRetweetsOnTheLastPageHasNoNextToken) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::ok, {{"data", {{{"id", "u9"}, {"username", "nine"}}}}, {"meta", {{"result_count", 1}}}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = engagers(io, x, {"42", engine::EngagementKind::retweet, std::nullopt, 50});
  EXPECT_EQ(r.user_ids, (std::vector<std::string>{"u9"}));
  EXPECT_FALSE(r.next_token);
  EXPECT_EQ(fake.path(), "/2/tweets/42/retweeted_by");
  EXPECT_EQ(fake.query("max_results"), "50");
  EXPECT_FALSE(fake.query("pagination_token"));
}

TEST(XApiSocial, ListEngagersForQuotesReadsTheQuotingAuthors) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::ok,
                 {{"data",
                   {{{"id", "100"}, {"text", "q"}, {"author_id", "u3"}},
                    {{"id", "101"}, {"text", "q2"}, {"author_id", "u4"}}}},
                  {"meta", {{"result_count", 2}}}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = engagers(io, x, {"42", engine::EngagementKind::quote, std::string("t"), 100});
  EXPECT_EQ(r.user_ids, (std::vector<std::string>{"u3", "u4"}));
  EXPECT_EQ(fake.path(), "/2/tweets/42/quote_tweets");
  EXPECT_EQ(fake.query("tweet.fields"), "author_id");
  EXPECT_EQ(fake.query("pagination_token"), "t");
}

TEST(XApiSocial, ListEngagersForRepliesSearchesTheConversationWithoutTheRoot) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::ok,
                 {{"data",
                   {{{"id", "200"}, {"text", "reply"}, {"author_id", "u5"}},
                    {{"id", "42"}, {"text", "the root"}, {"author_id", "alice"}}}},
                  {"meta", {{"result_count", 2}, {"next_token", "n2"}}}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto r = engagers(io, x, {"42", engine::EngagementKind::reply, std::string("n1"), 100});
  EXPECT_EQ(r.user_ids, (std::vector<std::string>{"u5"}));
  EXPECT_EQ(r.next_token, "n2");
  EXPECT_EQ(fake.path(), "/2/tweets/search/recent");
  EXPECT_EQ(fake.query("query"), "conversation_id:42");
  EXPECT_EQ(fake.query("max_results"), "100");
  EXPECT_EQ(fake.query("tweet.fields"), "author_id");
  EXPECT_EQ(fake.query("next_token"), "n1");
  EXPECT_FALSE(fake.query("pagination_token"));
}

TEST(XApiSocial, MalformedSuccessBodyIsABadGatewayThatSaysWhy) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::created, {{"data", {{"text", "no id"}}}}};
  XApiSocial x(io, options_for(fake.url()));
  const auto p = post(io, x, {"alice", "hi", std::nullopt});
  EXPECT_EQ(p.status.http, 502);
  EXPECT_TRUE(p.status.server_error());  // the engine searches before posting again
  EXPECT_NE(p.status.detail.find("data.id"), std::string::npos) << p.status.detail;

  fake.answer = {http::status::ok, {{"data", {{{"id", "1"}, {"public_metrics", {{"like_count", 1.5}}}}}}}};
  const auto m = metrics(io, x, {"1"});
  EXPECT_EQ(m.status.http, 502);
  EXPECT_TRUE(m.metrics.empty());
  EXPECT_NE(m.status.detail.find("like_count"), std::string::npos) << m.status.detail;

  fake.answer = {http::status::ok, {{"data", "not a list"}}};
  EXPECT_EQ(search(io, x, {"alice", "m"}).status.http, 502);
  EXPECT_EQ(engagers(io, x, {"42", engine::EngagementKind::like, std::nullopt, 100}).status.http, 502);
}

TEST(XApiSocial, NoAnswerWithinTheDeadlineIsATimeout) {
  asio::io_context io;
  FakeX fake(io);
  fake.silent = true;
  auto options = options_for(fake.url());
  options.timeout = engine::Duration(300'000);
  XApiSocial x(io, options);
  const auto started = std::chrono::steady_clock::now();
  const auto r = post(io, x, {"alice", "hi", std::nullopt});
  EXPECT_TRUE(r.status.timed_out());
  EXPECT_EQ(r.status.http, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(fake.seen.size(), 1u);  // sent once: a lost answer is the engine's to handle
}

TEST(XApiSocial, ConnectionRefusedIsATimeout) {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  XApiSocial x(io, options_for("http://127.0.0.1:" + std::to_string(port)));
  EXPECT_TRUE(search(io, x, {"alice", "m"}).status.timed_out());
  EXPECT_TRUE(engagers(io, x, {"1", engine::EngagementKind::like, std::nullopt, 100}).status.timed_out());
}

TEST(XApiSocial, TokensNeverAppearInStatusesOrMetrics) {
  asio::io_context io;
  FakeX fake(io);
  fake.answer = {http::status::unauthorized, problem("Unauthorized", "Unauthorized", 401)};
  Metrics registry;
  auto options = options_for(fake.url());
  options.metrics = &registry;
  XApiSocial x(io, options);
  const auto a = post(io, x, {"alice", "hi", std::nullopt});
  const auto b = metrics(io, x, {"1"});
  const auto c = engagers(io, x, {"1880000000000000001", engine::EngagementKind::quote, std::string("tok"), 100});
  fake.silent = true;
  auto quick = options;
  quick.timeout = engine::Duration(200'000);
  XApiSocial slow(io, quick);
  const auto d = search(io, slow, {"alice", "m"});
  EXPECT_TRUE(d.status.timed_out());
  for (const auto* s : {&a.status, &b.status, &c.status, &d.status}) {
    EXPECT_EQ(s->detail.find("secret"), std::string::npos) << s->detail;
    EXPECT_EQ(s->detail.find("user:alice"), std::string::npos) << s->detail;
  }
  const std::string text = registry.text();
  EXPECT_NE(text.find(R"(call="POST /2/tweets",result="401",service="x")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(call="GET /2/tweets/:id/quote_tweets",result="401",service="x")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(call="GET /2/tweets/search/recent",result="timeout",service="x")"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret"), std::string::npos);
  EXPECT_EQ(text.find("user:alice"), std::string::npos);
  EXPECT_EQ(text.find("1880000000000000001"), std::string::npos);
}

TEST(XApiSocial, BadBaseUrlIsRefusedAtConstruction) {
  asio::io_context io;
  EXPECT_THROW(XApiSocial(io, options_for("api.x.com")), std::invalid_argument);
}

}  // namespace
}  // namespace clsim::live
