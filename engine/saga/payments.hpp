// Ledger transaction ids and payment ownership. An id is unique across every
// engine sharing the store and is stored before its first submit, so a retry or a
// restart asks about it, never guesses. Every engine's claim and resume timers
// fire, so two engines can start the same payment; only the one holding its lease
// (Leases, keyed by the payment's memo) may submit or replace its id.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "engine/engine_context.hpp"
#include "engine/saga/leases.hpp"
#include "engine/saga/ledger_call.hpp"

namespace clsim::engine {

class Payments {
 public:
  // Stores a chosen id inside a transaction: "" on success, else a refusal.
  using TxIdStore = std::function<std::string(TxScope&, const TransactionId&)>;
  Payments(EngineContext& ctx, Leases& leases) : ctx_(ctx), leases_(leases) {}
  Payments(const Payments&) = delete;
  Payments& operator=(const Payments&) = delete;

  // Valid start is now, or one microsecond past the last id handed out. Inside a transaction.
  TransactionId allocate_tx_id(SqliteDb& db);
  // Stores `given` (or a newly allocated id) through `store` in one transaction.
  std::optional<TransactionId> save_tx_id(const TxIdStore& store, std::optional<TransactionId> given);
  // Fills spec.allocate_id / spec.persist_id from `store`; fresh-id mode stores nothing.
  void bind_tx_id_store(LedgerCallSpec& spec, const TxIdStore& store);
  // Taking the payment's lease (for EngineDurations::payment_lease) renews it;
  // false while another engine holds it. Inside a transaction.
  bool take_lease(TxScope& s, const std::string& memo);
  // Gives the payment's lease up, inside the transaction that records its outcome.
  void release_lease(TxScope& s, const std::string& memo) { leases_.release(s.db, memo); }
  // `store`, refusing ("lease_lost") unless this engine owns the payment.
  TxIdStore leased_store(const std::string& memo, TxIdStore store);
  // bind_tx_id_store through leased_store, plus spec.hold / spec.release.
  void bind_lease(LedgerCallSpec& spec, const TxIdStore& store);

 private:
  EngineContext& ctx_;
  Leases& leases_;
};

}  // namespace clsim::engine
