// Which engine sharing the store drives one piece of outside work. Every engine's
// resume and claim timers fire and bus entries may be delivered twice, so two
// engines can start the same payment or tweet; only the holder of its lease may
// make the call. A lease is a row of `leases` keyed by a string (a payment's memo,
// "tweet:c-1:1"), with an owner (EngineOptions::name) and an expiry: taking it
// renews it, and another engine takes it only once it has expired (its holder
// crashed or stalled). Used by Payments and by the publish saga's tweet steps.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "engine/engine_context.hpp"

namespace clsim::engine {

class Leases {
 public:
  explicit Leases(EngineContext& ctx) : ctx_(ctx) {}
  Leases(const Leases&) = delete;
  Leases& operator=(const Leases&) = delete;

  // Takes or renews `key` until now + `hold_for`; false while another engine holds
  // it. Inside a transaction.
  bool take(SqliteDb& db, const std::string& key, Duration hold_for);
  // The same, and once the transaction commits this engine knows it holds `key`
  // until then (see hold).
  bool take(TxScope& s, const std::string& key, Duration hold_for);
  // Gives `key` up if this engine holds it (another engine's row stays). Inside a
  // transaction.
  void release(SqliteDb& db, const std::string& key);

  // A call driver's hooks (LedgerCallSpec, TweetCallSpec), each one transaction:
  // `hold` takes or renews the lease (false also when the store refused, so the
  // call stops and its resume timer checks back); `release` gives it up. A lease
  // this engine committed and still holds for more than half of `hold_for` is
  // held without a write: no other engine can take it before it expires, and a
  // lost write needs a power loss, which stops this engine too.
  std::function<bool()> hold(const std::string& key, Duration hold_for);
  std::function<void()> releaser(const std::string& key);

 private:
  EngineContext& ctx_;
  std::unordered_map<std::string, std::int64_t> held_until_us_;  // leases this engine took, as committed
};

}  // namespace clsim::engine
