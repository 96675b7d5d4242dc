// Transaction ids and payment leases (payments.hpp). Without the lease, one
// engine's fresh id could execute next to another's in-flight one: a double payment.
#include "engine/saga/payments.hpp"

namespace clsim::engine {

bool Payments::take_lease(TxScope& s, const std::string& memo) {
  return leases_.take(s, memo, ctx_.options.durations.payment_lease);
}

Payments::TxIdStore Payments::leased_store(const std::string& memo, Payments::TxIdStore store) {
  return [this, memo, store = std::move(store)](TxScope& s, const TransactionId& tx) -> std::string {
    if (!take_lease(s, memo)) return "lease_lost";
    return store(s, tx);
  };
}

void Payments::bind_lease(LedgerCallSpec& spec, const Payments::TxIdStore& store) {
  const std::string memo = spec.tx.memo;
  bind_tx_id_store(spec, leased_store(memo, store));
  spec.hold = leases_.hold(memo, ctx_.options.durations.payment_lease);
  spec.release = leases_.releaser(memo);
}

TransactionId Payments::allocate_tx_id(SqliteDb& db) {
  // Read once: a real clock moves between two reads in one handler (virtual time
  // does not), and the check is against the moment the id was chosen.
  const std::int64_t now_us = to_us(ctx_.clock.now());
  db.prepare("INSERT INTO counters (name, value) VALUES ('tx_valid_start_us', ?) "
             "ON CONFLICT(name) DO UPDATE SET value = MAX(value + 1, excluded.value)")
      .bind(1, now_us)
      .run();
  auto& q = db.prepare("SELECT value FROM counters WHERE name = 'tx_valid_start_us'");
  q.step();
  const std::int64_t us = q.int_at(0);
  q.reset();
  CLSIM_ASSERT(ctx_.hooks, us >= now_us, "a transaction id's valid start is in the past");
  return TransactionId{ctx_.options.ledger_payer, from_us(us)};
}

std::optional<TransactionId> Payments::save_tx_id(const TxIdStore& store, std::optional<TransactionId> given) {
  TransactionId id;
  auto out = ctx_.run_tx([&](TxScope& s) {
    id = given ? *given : allocate_tx_id(s.db);
    return store(s, id);
  });
  if (!out.ok) return std::nullopt;
  return id;
}

void Payments::bind_tx_id_store(LedgerCallSpec& spec, const TxIdStore& store) {
  if (spec.fresh_id_each_attempt) {
    spec.allocate_id = [this] { return save_tx_id([](TxScope&, const TransactionId&) { return std::string(); }, {}); };
  } else {
    spec.allocate_id = [this, store] { return save_tx_id(store, std::nullopt); };
  }
  spec.persist_id = [this, store](const TransactionId& id) { return save_tx_id(store, id).has_value(); };
}

}  // namespace clsim::engine
