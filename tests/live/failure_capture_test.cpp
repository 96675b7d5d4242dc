// The live capture's failure lines: each failed outside call becomes the
// observation line replay re-arms, naming its campaign where the call shows it;
// answers that are not failures (a duplicate-content refusal, a pending receipt)
// write nothing.
#include "engine/adapters/live/service/failure_capture.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/asio_clock.hpp"
#include "engine/names.hpp"

namespace clsim::live {
namespace {

struct ListSink final : engine::CaptureSink {
  void world(std::int64_t, std::uint64_t, const nlohmann::ordered_json&) override {}
  void append(const engine::CaptureRecord& r) override { lines.push_back(r); }
  std::vector<engine::CaptureRecord> lines;
};

// Answers every call at once with the next canned status.
struct CannedSocial final : engine::Social {
  std::deque<engine::ApiStatus> answers;
  engine::ApiStatus next() {
    auto s = answers.front();
    answers.pop_front();
    return s;
  }
  void post_tweet(engine::PostTweetRequest, std::function<void(engine::PostTweetResult)> done) override {
    done({next(), engine::Tweet{"1850000000000000001", "", "", {}}});
  }
  void search_recent(engine::SearchRequest, std::function<void(engine::SearchResult)> done) override {
    done({next(), {}});
  }
  void lookup_metrics(std::vector<std::string>, std::function<void(engine::MetricsResult)> done) override {
    done({next(), {}});
  }
  void list_engagers(engine::EngagersRequest, std::function<void(engine::EngagersPage)> done) override {
    done({next(), {}, {}});
  }
};

struct CannedLedger final : engine::Ledger {
  std::deque<engine::LedgerStatus> answers;
  void submit(engine::LedgerTransaction, std::function<void(engine::SubmitResult)> done) override {
    done({take()});
  }
  void get_receipt(engine::TransactionId, std::function<void(engine::ReceiptResult)> done) override { done({take()}); }
  void find_by_memo(std::string, std::function<void(engine::MemoLookupResult)> done) override { done({}); }
  engine::LedgerStatus take() {
    auto s = answers.front();
    answers.pop_front();
    return s;
  }
};

TEST(FailureCapture, AFailedPostIsALineNamingItsCampaignWhileADuplicateIsNot) {
  boost::asio::io_context io;
  engine::AsioClock clock(io);
  ListSink sink;
  CannedSocial x;
  x.answers = {engine::ApiStatus{503, "Service Unavailable", "", {}},
               engine::ApiStatus{403, "Forbidden", engine::kDuplicateContentDetail, {}},
               engine::ApiStatus{201, "", "", {}}, engine::ApiStatus{0, "", "", {}}};
  RecordingSocial recording(x, sink, clock);
  const engine::PostTweetRequest post{"alice", "Launch day [c-7/1]", std::nullopt};
  for (int i = 0; i < 3; ++i) recording.post_tweet(post, [](engine::PostTweetResult) {});
  // The posted tweet is now known as c-7's: a failed lookup of it names c-7.
  recording.lookup_metrics({"1850000000000000001"}, [](engine::MetricsResult) {});
  ASSERT_EQ(sink.lines.size(), 2u);
  EXPECT_EQ(sink.lines[0].type, "twitter:request:v1:failed");
  EXPECT_EQ(sink.lines[0].campaign_id, "c-7");
  EXPECT_EQ(sink.lines[0].payload["status"], 503);
  EXPECT_EQ(sink.lines[0].payload["endpoint"], "POST /2/tweets");
  EXPECT_EQ(sink.lines[1].payload["endpoint"], "GET /2/tweets");
  EXPECT_EQ(sink.lines[1].payload["status"], 0) << "a timeout is status 0";
  EXPECT_EQ(sink.lines[1].campaign_id, "c-7");
  EXPECT_NE(sink.lines[0].event_id, sink.lines[1].event_id);
}

TEST(FailureCapture, LedgerPrechecksAndFailedReceiptsAreLinesWithTheMemosCampaign) {
  boost::asio::io_context io;
  engine::AsioClock clock(io);
  ListSink sink;
  CannedLedger ledger;
  ledger.answers = {engine::LedgerStatus::BUSY, engine::LedgerStatus::OK, engine::LedgerStatus::UNKNOWN,
                    engine::LedgerStatus::CONTRACT_REVERT_EXECUTED};
  RecordingLedger recording(ledger, sink, clock);
  engine::LedgerTransaction tx;
  tx.id = engine::TransactionId{"0.0.2", engine::from_us(1'735'689'600'000'000)};
  tx.memo = "clsim:c-3:escrow";
  recording.submit(tx, [](engine::SubmitResult) {});
  recording.submit(tx, [](engine::SubmitResult) {});
  recording.get_receipt(tx.id, [](engine::ReceiptResult) {});  // UNKNOWN: not final, no line
  recording.get_receipt(tx.id, [](engine::ReceiptResult) {});
  ASSERT_EQ(sink.lines.size(), 2u);
  EXPECT_EQ(sink.lines[0].type, "hedera:transaction:v1:failed");
  EXPECT_EQ(sink.lines[0].payload["status"], "BUSY");
  EXPECT_EQ(sink.lines[0].campaign_id, "c-3");
  EXPECT_EQ(sink.lines[1].payload["status"], "CONTRACT_REVERT_EXECUTED");
  EXPECT_EQ(sink.lines[1].campaign_id, "c-3");
}

TEST(FailureCapture, CampaignsAreReadFromMarkersAndMemosOnly) {
  EXPECT_EQ(engine::campaign_of_marker("Reward details for x... [c-12/2]"), "c-12");
  EXPECT_EQ(engine::campaign_of_marker("no marker here"), "");
  EXPECT_EQ(engine::campaign_of_memo("clsim:r-1:match:e-7"), "r-1");
  EXPECT_EQ(engine::campaign_of_memo("someone else's memo"), "");
}

}  // namespace
}  // namespace clsim::live
