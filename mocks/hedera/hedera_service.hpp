// The mock Hedera network as one world-level service shared by every engine's
// HederaClient: balances, the transaction-id dedup window, consensus a few virtual
// seconds after acceptance, receipts that age out, and the mirror's lookup by memo.
// Prechecks run in docs/FIDELITY.md §2 order when a submit is made; the transfer itself
// runs at consensus as a foreground event on the world clock (owner 0), so it
// happens even when the submitting engine crashed. Faults come from the service's
// own random stream and are counted as `hedera_<kind>`.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ports/clock.hpp"
#include "engine/ports/ledger.hpp"
#include "engine/ports/random.hpp"
#include "mocks/fault_counter.hpp"
#include "mocks/hedera/hedera_config.hpp"
#include "mocks/hedera/ledger_accounts.hpp"

namespace clsim::mocks {

template <class T>
struct HederaReply {
  T result;
  engine::Duration latency{};  // when the caller sees the answer
};

// One transaction that reached consensus, in consensus order.
struct ExecutedTransaction {
  std::string id;  // TransactionId::to_string()
  engine::TransactionId tx_id;
  engine::LedgerOp op = engine::LedgerOp::transfer;
  std::string from, to;
  engine::Money amount;
  std::string memo;
  engine::TimePoint consensus_at{};
  engine::LedgerStatus status = engine::LedgerStatus::SUCCESS;  // or the receipt failure
};

// Replay: a logged `hedera:transaction:v1:failed` line makes the next matching
// submit fail. A precheck status (BUSY, ...) refuses it; a receipt status
// (INSUFFICIENT_GAS, CONTRACT_REVERT_EXECUTED, CONSENSUS_GAS_EXHAUSTED,
// THROTTLED_AT_CONSENSUS) accepts it and fails it at consensus; TIMEOUT with
// apply_effect is an unknown outcome (executed, answered TIMEOUT).
struct HederaScriptedFailure {
  engine::LedgerStatus status = engine::LedgerStatus::BUSY;
  std::optional<std::string> memo_contains;  // how a log line names its campaign
  engine::TimePoint not_before{};
  bool apply_effect = false;
  // The random decision that failed the submit in the captured run (report key,
  // e.g. "hedera_busy"); under a fault schedule the submit fails through it.
  std::string fault;
  int call_nth = 0;  // > 0: at its instant only the nth submit takes it (CallOrdinals)
};

class HederaService {
 public:
  // `clock` is the world's (owner 0, never crashed); `rng` and `counter` outlive the service.
  HederaService(HederaConfig config, engine::Clock& clock, engine::Random& rng, FaultCounter& counter);
  HederaService(const HederaService&) = delete;
  HederaService& operator=(const HederaService&) = delete;

  const HederaConfig& config() const { return config_; }
  const HederaFaults& faults() const { return config_.faults; }
  void set_faults(const HederaFaults& faults) { config_.faults = faults; }

  // The three calls of engine::Ledger, applied now.
  HederaReply<engine::SubmitResult> submit(const engine::LedgerTransaction& tx);
  HederaReply<engine::ReceiptResult> get_receipt(const engine::TransactionId& id);
  HederaReply<engine::MemoLookupResult> find_by_memo(const std::string& memo);

  void inject_next(HederaScriptedFailure f) { script_.push_back(std::move(f)); }
  std::size_t scripted_pending() const { return script_.size(); }

  // Introspection for invariants and Lua queries.
  const LedgerAccounts& accounts() const { return accounts_; }
  engine::Money balance(const std::string& account) const { return accounts_.balance(account); }
  engine::Money total_minted() const { return accounts_.total_minted(); }
  const std::vector<ExecutedTransaction>& executed() const { return executed_; }
  // Successful executions (money moved) per memo: "no double payment" is <= 1.
  std::int64_t executions_for_memo(const std::string& memo) const;
  std::size_t in_flight() const { return in_flight_; }  // accepted, not yet at consensus
  const FaultCounter& fault_counter() const { return counter_; }

 private:
  struct Record {
    engine::LedgerTransaction tx;
    engine::TimePoint consensus_at{};
    engine::LedgerStatus forced = engine::LedgerStatus::SUCCESS;  // receipt failure chosen at acceptance
    bool done = false;
    engine::LedgerStatus final_status = engine::LedgerStatus::UNKNOWN;
  };
  struct Precheck {
    engine::LedgerStatus status = engine::LedgerStatus::OK;
    engine::Duration latency{};
  };

  // The first logged failure this submit takes. With `same_call_fault`, only one
  // logged at this very submit (its instant and ordinal) through that decision: one
  // submit can fail at consensus and answer TIMEOUT too, two lines of one call.
  std::optional<HederaScriptedFailure> take_scripted(const engine::LedgerTransaction& tx, engine::TimePoint now,
                                                     const char* same_call_fault = nullptr);
  Precheck precheck(const engine::LedgerTransaction& tx, engine::TimePoint now);
  engine::LedgerStatus draw_receipt_failure(const engine::LedgerTransaction& tx);
  void accept(const engine::LedgerTransaction& tx, engine::TimePoint now, engine::LedgerStatus forced);
  void reach_consensus(const std::string& id);
  void purge(engine::TimePoint now);
  engine::Duration latency();
  void count(const char* kind) { counter_.add(std::string("hedera_") + kind); }
  bool roll(double rate, const char* kind, const engine::LedgerTransaction& tx) {
    return counter_.decide(rng_, rate, [&] { return FaultCounter::Call{std::string("hedera_") + kind, subject_of(tx)}; });
  }
  // A failed answer (or a receipt failure chosen at acceptance), kept when the
  // counter observes (a capture's failure line).
  void observe(const engine::LedgerTransaction& tx, engine::LedgerStatus status, bool apply_effect, const char* fault);
  // Names a transaction to a fault schedule: its memo (the engine's idempotency
  // key, e.g. "clsim:c-3:refund"), else its operation and sender.
  static std::string subject_of(const engine::LedgerTransaction& tx);

  HederaConfig config_;
  engine::Clock& clock_;
  engine::Random& rng_;
  FaultCounter& counter_;
  LedgerAccounts accounts_;
  std::deque<HederaScriptedFailure> script_;
  CallOrdinals ordinals_;
  int call_nth_ = 0;  // the current submit's ordinal
  std::map<std::string, Record> records_;  // by id string: dedup and receipts
  std::multimap<std::int64_t, std::string> receipt_expiry_us_;  // consensus + ttl -> id
  std::vector<ExecutedTransaction> executed_;
  std::map<std::string, std::int64_t> executions_by_memo_;
  std::size_t in_flight_ = 0;
  // Consensus events hold a weak reference to this, so one that fires after the
  // service is gone does nothing instead of touching freed memory.
  std::shared_ptr<HederaService*> alive_ = std::make_shared<HederaService*>(this);
};

}  // namespace clsim::mocks
