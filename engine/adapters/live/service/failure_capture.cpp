#include "engine/adapters/live/service/failure_capture.hpp"

#include "engine/names.hpp"

namespace clsim::live {

using engine::campaign_of_marker;
using engine::campaign_of_memo;

void RecordingSocial::record(const engine::ApiStatus& status, const char* endpoint, const std::string& campaign) {
  engine::CaptureRecord r;
  r.ts_us = engine::to_us(clock_.now());
  r.type = "twitter:request:v1:failed";
  r.event_id = "x-failure-" + std::to_string(r.ts_us) + "-" + std::to_string(++failures_);
  r.campaign_id = campaign;
  r.payload = {{"status", status.http}, {"endpoint", endpoint}};
  if (!status.title.empty()) r.payload["title"] = status.title;
  sink_.append(r);
}

std::string RecordingSocial::campaign_of_tweet(const std::string& tweet_id) const {
  const auto it = campaign_by_tweet_.find(tweet_id);
  return it == campaign_by_tweet_.end() ? "" : it->second;
}

void RecordingSocial::post_tweet(engine::PostTweetRequest req, std::function<void(engine::PostTweetResult)> done) {
  const std::string campaign = campaign_of_marker(req.text);
  inner_.post_tweet(std::move(req), [this, campaign, done = std::move(done)](engine::PostTweetResult r) {
    if (r.status.ok()) {
      if (!campaign.empty()) campaign_by_tweet_[r.tweet.id] = campaign;
    } else if (!r.status.duplicate_content()) {  // a duplicate is the tweet already there: X's answer, not a fault
      record(r.status, engine::kPostTweets, campaign);
    }
    done(std::move(r));
  });
}

void RecordingSocial::search_recent(engine::SearchRequest req, std::function<void(engine::SearchResult)> done) {
  const std::string campaign = campaign_of_marker(req.phrase);
  inner_.search_recent(std::move(req), [this, campaign, done = std::move(done)](engine::SearchResult r) {
    if (!r.status.ok()) record(r.status, engine::kSearchRecent, campaign);
    for (const auto& t : r.tweets)
      if (!campaign.empty()) campaign_by_tweet_[t.id] = campaign;
    done(std::move(r));
  });
}

void RecordingSocial::lookup_metrics(std::vector<std::string> ids, std::function<void(engine::MetricsResult)> done) {
  // One campaign only when every id is that campaign's; a batch of several names none.
  std::string campaign = ids.empty() ? "" : campaign_of_tweet(ids.front());
  for (const auto& id : ids)
    if (campaign_of_tweet(id) != campaign) campaign.clear();
  inner_.lookup_metrics(std::move(ids), [this, campaign, done = std::move(done)](engine::MetricsResult r) {
    if (!r.status.ok()) record(r.status, engine::kTweetsLookup, campaign);
    done(std::move(r));
  });
}

void RecordingSocial::list_engagers(engine::EngagersRequest req, std::function<void(engine::EngagersPage)> done) {
  const std::string campaign = campaign_of_tweet(req.tweet_id);
  const char* endpoint = engine::engagers_endpoint(req.kind);
  inner_.list_engagers(std::move(req), [this, campaign, endpoint, done = std::move(done)](engine::EngagersPage p) {
    if (!p.status.ok()) record(p.status, endpoint, campaign);
    done(std::move(p));
  });
}

void RecordingLedger::record(engine::LedgerStatus status, const std::string& memo) {
  engine::CaptureRecord r;
  r.ts_us = engine::to_us(clock_.now());
  r.type = "hedera:transaction:v1:failed";
  r.event_id = "ledger-failure-" + std::to_string(r.ts_us) + "-" + std::to_string(++failures_);
  r.campaign_id = campaign_of_memo(memo);
  r.payload = {{"status", engine::to_string(status)}};
  sink_.append(r);
}

void RecordingLedger::submit(engine::LedgerTransaction tx, std::function<void(engine::SubmitResult)> done) {
  const std::string memo = tx.memo;
  const std::string id = tx.id.to_string();
  inner_.submit(std::move(tx), [this, memo, id, done = std::move(done)](engine::SubmitResult r) {
    // OK accepted it; DUPLICATE_TRANSACTION is the network deduplicating a resubmission.
    if (r.precheck == engine::LedgerStatus::OK || r.precheck == engine::LedgerStatus::DUPLICATE_TRANSACTION) {
      memo_by_tx_[id] = memo;
    } else {
      record(r.precheck, memo);
    }
    done(r);
  });
}

void RecordingLedger::get_receipt(engine::TransactionId id, std::function<void(engine::ReceiptResult)> done) {
  const std::string key = id.to_string();
  inner_.get_receipt(std::move(id), [this, key, done = std::move(done)](engine::ReceiptResult r) {
    const auto it = memo_by_tx_.find(key);
    const bool pending = r.status == engine::LedgerStatus::UNKNOWN || r.status == engine::LedgerStatus::RECEIPT_NOT_FOUND;
    if (!pending && it != memo_by_tx_.end()) {
      // A receipt that failed at consensus is the transaction's failure; either way
      // the transaction is settled and forgotten here.
      if (r.status != engine::LedgerStatus::SUCCESS && r.status != engine::LedgerStatus::TIMEOUT)
        record(r.status, it->second);
      memo_by_tx_.erase(it);
    }
    done(r);
  });
}

void RecordingLedger::find_by_memo(std::string memo, std::function<void(engine::MemoLookupResult)> done) {
  inner_.find_by_memo(std::move(memo), std::move(done));
}

}  // namespace clsim::live
