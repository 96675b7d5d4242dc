// A small Hedera stand-in for engine tests, with real balances: accounts are
// minted on first use, a transaction id executes at most once (duplicates inside
// 180 s are refused), receipts are UNKNOWN until consensus and forgotten after
// 180 s, and the memo lookup is durable. Consensus runs on the world's clock, so
// it happens even if the engine crashes; answers go to the engine's clock.
#pragma once
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/ports/ledger.hpp"
#include "engine/ports/clock.hpp"

namespace clsim::engine::testing {

class FakeLedger final : public Ledger {
 public:
  FakeLedger(Clock& engine_clock, Clock& world_clock) : engine_(engine_clock), world_(world_clock) {}

  Duration latency = Duration(100'000);
  Duration consensus_delay = Duration(2'000'000);
  Duration receipt_ttl = Duration(180'000'000);
  std::int64_t default_balance = 1'000'000'000'000;
  // Scripted precheck answers for the next submits (the submit is not processed).
  std::deque<LedgerStatus> precheck_faults;
  // The next submit executes, but its answer is lost (TIMEOUT).
  int lose_next_answers = 0;
  std::vector<LedgerTransaction> submitted;  // every submit, as sent

  void set_balance(const std::string& account, std::int64_t minor) {
    minted_ += minor - balance(account);
    balances_[account] = minor;
  }
  std::int64_t balance(const std::string& account) {
    auto it = balances_.find(account);
    if (it == balances_.end()) {
      const std::int64_t start = account.rfind("escrow:", 0) == 0 ? 0 : default_balance;
      it = balances_.emplace(account, start).first;
      minted_ += start;
    }
    return it->second;
  }
  std::int64_t total() const {
    std::int64_t t = 0;
    for (const auto& [a, b] : balances_) t += b;
    return t;
  }
  std::int64_t minted() const { return minted_; }

  void submit(LedgerTransaction tx, std::function<void(SubmitResult)> done) override {
    ++submits;
    submitted.push_back(tx);
    const std::string key = tx.id.to_string();
    SubmitResult r;
    if (!precheck_faults.empty()) {
      r.precheck = precheck_faults.front();
      precheck_faults.pop_front();
    } else if (txs_.count(key) && world_.now() < txs_[key].tx.id.valid_start + receipt_ttl) {
      r.precheck = LedgerStatus::DUPLICATE_TRANSACTION;
    } else if (world_.now() >= tx.id.valid_start + tx.valid_duration) {
      r.precheck = LedgerStatus::TRANSACTION_EXPIRED;
    } else if (!txs_.count(key)) {
      txs_[key] = Entry{tx, LedgerStatus::UNKNOWN};
      world_.start_wait(consensus_delay, TimerKind::foreground, "fake_ledger_consensus",
                        [this, key](boost::system::error_code ec) {
                          if (!ec) execute(key);
                        });
    }
    if (lose_next_answers > 0 && r.precheck == LedgerStatus::OK) {
      --lose_next_answers;
      r.precheck = LedgerStatus::TIMEOUT;
    }
    reply(std::move(done), r);
  }

  void get_receipt(TransactionId id, std::function<void(ReceiptResult)> done) override {
    ReceiptResult r{LedgerStatus::RECEIPT_NOT_FOUND};
    auto it = txs_.find(id.to_string());
    if (it != txs_.end() && world_.now() < id.valid_start + receipt_ttl) r.status = it->second.status;
    reply(std::move(done), r);
  }

  void find_by_memo(std::string memo, std::function<void(MemoLookupResult)> done) override {
    MemoLookupResult r;
    // The executed one wins; else the latest seen with this memo.
    for (const auto& [key, e] : txs_) {
      if (e.tx.memo != memo) continue;
      if (!r.id || e.status == LedgerStatus::SUCCESS) {
        if (r.id && r.status == LedgerStatus::SUCCESS) continue;
        r.id = e.tx.id;
        r.status = e.status;
      }
    }
    reply(std::move(done), r);
  }

  // Executed transactions with this memo.
  int executed_with_memo(const std::string& memo) const {
    int n = 0;
    for (const auto& [key, e] : txs_) n += e.tx.memo == memo && e.status == LedgerStatus::SUCCESS;
    return n;
  }

  int submits = 0;

 private:
  struct Entry {
    LedgerTransaction tx;
    LedgerStatus status;
  };

  void execute(const std::string& key) {
    auto& e = txs_[key];
    if (balance(e.tx.from) < e.tx.amount.minor) {
      e.status = LedgerStatus::INSUFFICIENT_PAYER_BALANCE;
      return;
    }
    balance(e.tx.to);
    balances_[e.tx.from] -= e.tx.amount.minor;
    balances_[e.tx.to] += e.tx.amount.minor;
    e.status = LedgerStatus::SUCCESS;
  }

  template <class R>
  void reply(std::function<void(R)> done, R r) {
    engine_.start_wait(latency, TimerKind::foreground, "fake_ledger_reply",
                       [done = std::move(done), r](boost::system::error_code ec) {
                         if (!ec) done(r);
                       });
  }

  Clock& engine_;
  Clock& world_;
  std::map<std::string, Entry> txs_;  // by transaction id string
  std::map<std::string, std::int64_t> balances_;
  std::int64_t minted_ = 0;
};

}  // namespace clsim::engine::testing
