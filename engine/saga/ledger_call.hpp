// Drives one ledger transaction to a known outcome, exactly once: the caller
// chooses the transaction id and stores it durably before the first submit; the
// same id is resubmitted while it is inside its valid window (the network dedupes
// it), receipts are polled, and once the window has passed (or after a restart
// with the receipt gone) the mirror lookup by memo decides before a new id is
// chosen, and the new id is stored durably before it is used.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/saga/call_env.hpp"

namespace clsim::engine {

struct LedgerOutcome {
  bool success = false;
  LedgerStatus status = LedgerStatus::UNKNOWN;
  std::string reason;  // for a failure: "ledger: INSUFFICIENT_PAYER_BALANCE"
  TransactionId id;    // the id that executed (or last tried)
  // Another engine owns the payment (or ownership could not be confirmed): this
  // call stopped without deciding anything; the stored id and timers stay as they are.
  bool abandoned = false;
  // The id reached consensus and failed: it can never execute, so the payment
  // may be retried under a fresh id.
  bool id_failed = false;
};

struct LedgerCallSpec {
  LedgerTransaction tx;        // tx.id already stored durably by the caller
  bool recovering = false;     // resumed: ask for the receipt before submitting again
  bool fresh_id_each_attempt = false;  // mutation pay_without_idempotent_id
  std::string label;           // for trace labels, e.g. "c-1:contract"
  // Chooses a new id, unique across engines sharing the store, and stores it
  // durably as the step's id (in fresh-id mode: only chooses); nullopt when the
  // store refused (retry later).
  std::function<std::optional<TransactionId>()> allocate_id;
  // Stores an id found by the memo lookup as the step's id; false when refused.
  std::function<bool(const TransactionId&)> persist_id;
  // Takes or renews ownership of the payment before every step; false: another
  // engine owns it (the call is abandoned). Empty: no ownership check.
  std::function<bool()> hold;
  std::function<void()> release;  // after the outcome is known
  std::function<void(const LedgerOutcome&)> done;
};

class LedgerCall : public std::enable_shared_from_this<LedgerCall> {
 public:
  static void start(CallEnv env, Ledger& ledger, LedgerCallSpec spec);

  LedgerCall(CallEnv env, Ledger& ledger, LedgerCallSpec spec)
      : env_(std::move(env)), ledger_(ledger), spec_(std::move(spec)) {}

 private:
  void submit();
  void on_submit(const SubmitResult& r);
  void poll_receipt(Duration delay);
  void on_receipt(const ReceiptResult& r);
  void lookup_memo();
  void choose_new_id();
  void retry(void (LedgerCall::*next)(), const char* why);
  void finish(bool success, LedgerStatus status, std::string reason);
  bool held();  // false after abandoning the call
  bool window_open() const;

  CallEnv env_;
  Ledger& ledger_;
  LedgerCallSpec spec_;
  int attempts_ = 0;        // submits and memo lookups that failed transiently
  int receipt_polls_ = 0;   // receipts that said "not final yet"
  bool finished_ = false;
  bool lookup_memo_final_ = false;  // out of attempts: the memo lookup decides
  bool id_failed_ = false;          // a final failed receipt (or mirror record) for the id
};

}  // namespace clsim::engine
