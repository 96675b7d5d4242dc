// Decorators of the Social and Ledger ports that write every failed outside call
// into the live capture as the observation lines replay re-arms
// (twitter:request:v1:failed, hedera:transaction:v1:failed), naming the campaign
// when the call shows it (a tweet's marker, a transaction's memo). A live run's
// replay then meets the failures the service met, not a quiet world.
#pragma once
#include <map>
#include <string>

#include "engine/ports/capture.hpp"
#include "engine/ports/clock.hpp"
#include "engine/ports/ledger.hpp"
#include "engine/ports/social.hpp"

namespace clsim::live {

class RecordingSocial final : public engine::Social {
 public:
  RecordingSocial(engine::Social& inner, engine::CaptureSink& sink, engine::Clock& clock)
      : inner_(inner), sink_(sink), clock_(clock) {}
  void post_tweet(engine::PostTweetRequest req, std::function<void(engine::PostTweetResult)> done) override;
  void search_recent(engine::SearchRequest req, std::function<void(engine::SearchResult)> done) override;
  void lookup_metrics(std::vector<std::string> ids, std::function<void(engine::MetricsResult)> done) override;
  void list_engagers(engine::EngagersRequest req, std::function<void(engine::EngagersPage)> done) override;

 private:
  void record(const engine::ApiStatus& status, const char* endpoint, const std::string& campaign);
  std::string campaign_of_tweet(const std::string& tweet_id) const;

  engine::Social& inner_;
  engine::CaptureSink& sink_;
  engine::Clock& clock_;
  std::map<std::string, std::string> campaign_by_tweet_;  // from posts and searches
  std::uint64_t failures_ = 0;
};

class RecordingLedger final : public engine::Ledger {
 public:
  RecordingLedger(engine::Ledger& inner, engine::CaptureSink& sink, engine::Clock& clock)
      : inner_(inner), sink_(sink), clock_(clock) {}
  void submit(engine::LedgerTransaction tx, std::function<void(engine::SubmitResult)> done) override;
  void get_receipt(engine::TransactionId id, std::function<void(engine::ReceiptResult)> done) override;
  void find_by_memo(std::string memo, std::function<void(engine::MemoLookupResult)> done) override;

 private:
  void record(engine::LedgerStatus status, const std::string& memo);

  engine::Ledger& inner_;
  engine::CaptureSink& sink_;
  engine::Clock& clock_;
  std::map<std::string, std::string> memo_by_tx_;  // receipts name their transaction, not its memo
  std::uint64_t failures_ = 0;
};


}  // namespace clsim::live
