// LedgerGateway against an in-process HttpServer playing the ledger gateway (and
// its mirror-node lookup): what it sends, and which LedgerStatus each answer or
// missing answer becomes.
#include "engine/adapters/live/ledger/ledger_gateway.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "engine/adapters/live/http/http_server.hpp"
#include "engine/adapters/live/ledger/mirror_records.hpp"
#include "engine/adapters/live/metrics.hpp"
#include "live/canned_server.hpp"

namespace clsim::live {
namespace {

namespace asio = boost::asio;
using engine::LedgerStatus;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kToken = "gateway-secret";
constexpr std::int64_t kStartUs = 1735689600LL * 1'000'000;

// The gateway on 127.0.0.1: records requests, answers the canned status and body.
using FakeGateway = CannedServer;

LedgerGatewayOptions options_for(const std::string& url) {
  LedgerGatewayOptions o;
  o.base_url = url;
  o.token = kToken;
  o.timeout = engine::Duration(2'000'000);
  return o;
}

engine::TransactionId tx_id(std::int64_t offset_us = 0) { return {"0.0.2", engine::from_us(kStartUs + offset_us)}; }

engine::SubmitResult submit(asio::io_context& io, LedgerGateway& g, engine::LedgerTransaction tx) {
  return complete<engine::SubmitResult>(io, [&](auto done) { g.submit(tx, done); });
}
engine::ReceiptResult receipt(asio::io_context& io, LedgerGateway& g, engine::TransactionId id) {
  return complete<engine::ReceiptResult>(io, [&](auto done) { g.get_receipt(id, done); });
}
engine::MemoLookupResult lookup(asio::io_context& io, LedgerGateway& g, std::string memo) {
  return complete<engine::MemoLookupResult>(io, [&](auto done) { g.find_by_memo(memo, done); });
}

engine::LedgerTransaction transfer() {
  engine::LedgerTransaction tx;
  tx.id = tx_id();
  tx.op = engine::LedgerOp::transfer;
  tx.from = "0.0.1001";
  tx.to = "0.0.2002";
  tx.amount = engine::Money(12'345);
  tx.memo = "clsim:pay:c1/u 7";
  return tx;
}

std::string base64(const std::string& text) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const unsigned v = (unsigned char)text[i] << 16 | (unsigned char)text[i + 1] << 8 | (unsigned char)text[i + 2];
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == text.size()) {
    const unsigned v = (unsigned char)text[i] << 16;
    out += std::string{kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == text.size()) {
    const unsigned v = (unsigned char)text[i] << 16 | (unsigned char)text[i + 1] << 8;
    out += std::string{kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

json record(const std::string& id, const std::string& memo, const std::string& result) {
  return {{"transaction_id", id}, {"memo_base64", base64(memo)}, {"result", result},
          {"consensus_timestamp", "1735689603.000000000"}};
}

TEST(LedgerGateway, SubmitPostsTheTransactionAndReadsThePrecheck) {
  asio::io_context io;
  FakeGateway fake(io);
  fake.answer.body = {{"precheck", "OK"}};
  LedgerGateway g(io, options_for(fake.url()));
  EXPECT_EQ(submit(io, g, transfer()).precheck, LedgerStatus::OK);
  ASSERT_EQ(fake.seen.size(), 1u);
  const auto& req = fake.seen.back();
  EXPECT_EQ(req.method(), http::verb::post);
  EXPECT_EQ(fake.target(), "/v1/transactions");
  EXPECT_EQ(std::string(req["authorization"]), std::string("Bearer ") + kToken);
  EXPECT_EQ(std::string(req["content-type"]), "application/json");
  EXPECT_EQ(json::parse(req.body()), (json{{"transaction_id", "0.0.2@1735689600.000000000"},
                                           {"valid_duration_us", 120'000'000},
                                           {"op", "transfer"},
                                           {"from", "0.0.1001"},
                                           {"to", "0.0.2002"},
                                           {"amount", 12'345},
                                           {"memo", "clsim:pay:c1/u 7"}}));

  fake.answer.body = {{"precheck", "BUSY"}};
  auto create = transfer();
  create.op = engine::LedgerOp::contract_create;
  EXPECT_EQ(submit(io, g, create).precheck, LedgerStatus::BUSY);
  EXPECT_EQ(json::parse(fake.seen.back().body())["op"], "contract_create");
}

TEST(LedgerGateway, ReceiptIsAskedByTransactionIdAndReadAsItsStatus) {
  asio::io_context io;
  FakeGateway fake(io);
  fake.answer.body = {{"status", "SUCCESS"}};
  LedgerGateway g(io, options_for(fake.url()));
  EXPECT_EQ(receipt(io, g, tx_id(250'000)).status, LedgerStatus::SUCCESS);
  EXPECT_EQ(fake.seen.back().method(), http::verb::get);
  EXPECT_EQ(fake.target(), "/v1/receipts/0.0.2@1735689600.250000000");
  EXPECT_EQ(std::string(fake.seen.back()["authorization"]), std::string("Bearer ") + kToken);

  for (const char* name : {"UNKNOWN", "RECEIPT_NOT_FOUND", "INSUFFICIENT_GAS", "CONTRACT_REVERT_EXECUTED"}) {
    fake.answer.body = {{"status", name}};
    EXPECT_STREQ(engine::to_string(receipt(io, g, tx_id()).status), name);
  }
}

TEST(LedgerGateway, MemoLookupFindsTheSucceededTransactionForTheMemo) {
  asio::io_context io;
  FakeGateway fake(io);
  const std::string memo = "clsim:pay:c1/u 7&x=1";
  fake.answer.body = {{"transactions",
                {record("0.0.2-1735689600-000000000", memo, "INSUFFICIENT_PAYER_BALANCE"),
                 record("0.0.2-1735689700-500000000", memo, "SUCCESS")}},
               {"links", {{"next", nullptr}}}};
  LedgerGateway g(io, options_for(fake.url()));
  const auto r = lookup(io, g, memo);
  EXPECT_TRUE(r.reachable);
  ASSERT_TRUE(r.id);
  EXPECT_EQ(r.id->payer, "0.0.2");
  EXPECT_EQ(r.id->valid_start, engine::from_us(1735689700LL * 1'000'000 + 500'000));
  EXPECT_EQ(r.status, LedgerStatus::SUCCESS);
  EXPECT_EQ(target_path(fake.target()), "/api/v1/transactions");
  EXPECT_EQ(query_param(fake.target(), "memo"), memo);
}

TEST(LedgerGateway, MemoLookupWithOnlyAFailedRecordReportsThatFailure) {
  asio::io_context io;
  FakeGateway fake(io);
  fake.answer.body = {{"transactions", {record("0.0.2-1735689600-000000000", "m", "CONTRACT_REVERT_EXECUTED")}},
               {"links", {{"next", nullptr}}}};
  LedgerGateway g(io, options_for(fake.url()));
  const auto r = lookup(io, g, "m");
  EXPECT_TRUE(r.reachable);
  ASSERT_TRUE(r.id);
  EXPECT_EQ(*r.id, tx_id());
  EXPECT_EQ(r.status, LedgerStatus::CONTRACT_REVERT_EXECUTED);
}

TEST(LedgerGateway, MemoLookupWithNoRecordFindsNothing) {
  asio::io_context io;
  FakeGateway fake(io);
  fake.answer.body = {{"transactions", json::array()}, {"links", {{"next", nullptr}}}};
  LedgerGateway g(io, options_for(fake.url()));
  const auto r = lookup(io, g, "nothing here");
  EXPECT_TRUE(r.reachable);
  EXPECT_FALSE(r.id);
}

TEST(LedgerGateway, MemoLookupAnswersThatProveNothingReadAsUnreachable) {
  asio::io_context io;
  FakeGateway fake(io);
  LedgerGateway g(io, options_for(fake.url()));
  const json other_memo = {{"transactions", {record("0.0.2-1735689600-000000000", "another memo", "SUCCESS")}}};
  const json more_pages = {{"transactions", {record("0.0.2-1735689600-000000000", "m", "INSUFFICIENT_GAS")}},
                           {"links", {{"next", "/api/v1/transactions?memo=m&timestamp=lt:1"}}}};
  const json bad_id = {{"transactions", {record("0.0.2@1735689600.000000000", "m", "SUCCESS")}}};
  const json unknown_result = {{"transactions", {record("0.0.2-1735689600-000000000", "m", "INVALID_SIGNATURE")}}};
  const json no_memo = {{"transactions", {{{"transaction_id", "0.0.2-1735689600-000000000"}, {"result", "SUCCESS"}}}}};
  for (const auto& body : {other_memo, more_pages, bad_id, unknown_result, no_memo, json::array()}) {
    fake.answer.body = body;
    EXPECT_FALSE(lookup(io, g, "m").reachable) << body.dump();
  }
  fake.answer.status = http::status::service_unavailable;
  fake.answer.body = {{"transactions", json::array()}};
  EXPECT_FALSE(lookup(io, g, "m").reachable);
}

TEST(LedgerGateway, UnreadableOrFailedAnswersLeaveTheOutcomeUnknown) {
  asio::io_context io;
  FakeGateway fake(io);
  LedgerGateway g(io, options_for(fake.url()));
  fake.answer.status = http::status::service_unavailable;
  fake.answer.body = {{"precheck", "OK"}};
  EXPECT_EQ(submit(io, g, transfer()).precheck, LedgerStatus::TIMEOUT);
  fake.answer.status = http::status::ok;
  fake.answer.body = {{"precheck", "NOT_A_HEDERA_STATUS"}};
  EXPECT_EQ(submit(io, g, transfer()).precheck, LedgerStatus::TIMEOUT);
  fake.answer.body = {{"precheck", 0}};
  EXPECT_EQ(submit(io, g, transfer()).precheck, LedgerStatus::TIMEOUT);
  fake.answer.body = {{"status", nullptr}};
  EXPECT_EQ(receipt(io, g, tx_id()).status, LedgerStatus::TIMEOUT);
}

TEST(LedgerGateway, NoAnswerWithinTheDeadlineIsATimeoutOrAnUnreachableMirror) {
  asio::io_context io;
  FakeGateway fake(io);
  fake.silent = true;
  auto options = options_for(fake.url());
  options.timeout = engine::Duration(250'000);
  LedgerGateway g(io, options);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(submit(io, g, transfer()).precheck, LedgerStatus::TIMEOUT);
  EXPECT_EQ(receipt(io, g, tx_id()).status, LedgerStatus::TIMEOUT);
  EXPECT_FALSE(lookup(io, g, "m").reachable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(fake.seen.size(), 3u);  // each sent once
}

TEST(LedgerGateway, ConnectionRefusedIsATimeoutOrAnUnreachableMirror) {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  LedgerGateway g(io, options_for("http://127.0.0.1:" + std::to_string(port)));
  EXPECT_EQ(submit(io, g, transfer()).precheck, LedgerStatus::TIMEOUT);
  EXPECT_EQ(receipt(io, g, tx_id()).status, LedgerStatus::TIMEOUT);
  EXPECT_FALSE(lookup(io, g, "m").reachable);
}

TEST(LedgerGateway, TheTokenNeverAppearsInMetrics) {
  asio::io_context io;
  FakeGateway fake(io);
  fake.answer.body = {{"status", "SUCCESS"}};
  Metrics registry;
  auto options = options_for(fake.url());
  options.metrics = &registry;
  LedgerGateway g(io, options);
  receipt(io, g, tx_id());
  const std::string text = registry.text();
  EXPECT_NE(text.find(R"(call="GET /v1/receipts/:id",result="200",service="ledger")"), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos);
  EXPECT_EQ(text.find("1735689600"), std::string::npos);
}

TEST(LedgerGateway, BadBaseUrlIsRefusedAtConstruction) {
  asio::io_context io;
  EXPECT_THROW(LedgerGateway(io, options_for("localhost:8080")), std::invalid_argument);
}

TEST(LedgerGateway, MirrorTransactionIdsParseIntoPayerAndValidStart) {
  const auto id = ledger::mirror_transaction_id("0.0.2-1735689600-000000000");
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, tx_id());
  EXPECT_EQ(ledger::mirror_transaction_id("0.0.1234-1735689601-123456000")->valid_start,
            engine::from_us(kStartUs + 1'123'456));
  for (const char* bad : {"", "0.0.2", "0.0.2-1735689600", "0.0.2@1735689600.000000000", "-1735689600-000000000",
                          "0.0.2-17356x9600-000000000", "0.0.2-1735689600-0000", "0.0.2-1735689600-0000000000"})
    EXPECT_FALSE(ledger::mirror_transaction_id(bad)) << bad;
}

TEST(LedgerGateway, Base64DecodesWithOrWithoutPadding) {
  EXPECT_EQ(ledger::base64_decode(base64("clsim:pay:c1")), "clsim:pay:c1");
  EXPECT_EQ(ledger::base64_decode("bQ=="), "m");
  EXPECT_EQ(ledger::base64_decode("bQ"), "m");
  EXPECT_EQ(ledger::base64_decode(""), "");
  EXPECT_FALSE(ledger::base64_decode("b"));
  EXPECT_FALSE(ledger::base64_decode("b$=="));
}

TEST(LedgerGateway, LedgerStatusFromRoundTripsEveryName) {
  int names = 0;
  for (int i = int(LedgerStatus::OK); i <= int(LedgerStatus::TIMEOUT); ++i) {
    const auto s = LedgerStatus(i);
    EXPECT_EQ(engine::ledger_status_from(engine::to_string(s)), s) << engine::to_string(s);
    ++names;
  }
  EXPECT_EQ(names, 18);
  for (const char* bad : {"", "busy", "BUSY ", "?", "INVALID_SIGNATURE"}) EXPECT_FALSE(engine::ledger_status_from(bad));
}

}  // namespace
}  // namespace clsim::live
