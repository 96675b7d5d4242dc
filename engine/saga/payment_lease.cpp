// Payment ownership across engines sharing a store. Every engine's claim and
// resume timers fire, so two engines can start the same payment; only the one
// holding the lease may submit or replace its transaction id, else one engine's
// fresh id could execute next to another's in-flight one (a double payment).
#include "engine/engine_impl.hpp"

namespace clsim::engine {

bool EngineImpl::take_payment_lease(SqliteDb& db, const std::string& memo) {
  const std::int64_t now_us = to_us(clock_.now());
  db.prepare("INSERT INTO payment_leases (memo, owner, until_us) VALUES (?, ?, ?) ON CONFLICT(memo) DO UPDATE "
             "SET owner = excluded.owner, until_us = excluded.until_us "
             "WHERE payment_leases.owner = excluded.owner OR payment_leases.until_us <= ?")
      .bind(1, memo)
      .bind(2, options_.name)
      .bind(3, now_us + to_us(options_.durations.payment_lease))
      .bind(4, now_us)
      .run();
  return db.changes() > 0;
}

EngineImpl::TxIdStore EngineImpl::leased_store(const std::string& memo, TxIdStore store) {
  return [this, memo, store = std::move(store)](TxScope& s, const TransactionId& tx) -> std::string {
    if (!take_payment_lease(s.db, memo)) return "lease_lost";
    return store(s, tx);
  };
}

void EngineImpl::bind_payment_lease(LedgerCallSpec& spec, const TxIdStore& store) {
  const std::string memo = spec.tx.memo;
  bind_tx_id_store(spec, leased_store(memo, store));
  spec.hold = [this, memo] {
    auto out = run_tx([&](TxScope& s) { return take_payment_lease(s.db, memo) ? std::string() : "lease_lost"; });
    return out.ok;
  };
  spec.release = [this, memo] {
    run_tx([&](TxScope& s) {
      s.db.prepare("DELETE FROM payment_leases WHERE memo = ? AND owner = ?").bind(1, memo).bind(2, options_.name).run();
      return std::string();
    });
  };
}

}  // namespace clsim::engine
