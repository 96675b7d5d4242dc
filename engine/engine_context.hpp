// What every engine component shares instead of one object's fields: the ports,
// the options, the store connection, the transaction helper, deferred work, and
// the engine's life token. Components own their own state and SQL; they reach
// each other through their interfaces, wired by the facade (engine_impl.hpp).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "engine/names.hpp"
#include "engine/saga/call_env.hpp"
#include "engine/store/sqlite_db.hpp"

namespace clsim::engine {

// What a committed transaction does next: notify, trace, (re)schedule timers, relay.
struct TxEffects {
  std::vector<StateUpdate> updates;
  std::vector<std::pair<std::string, nlohmann::json>> traces;
  std::vector<std::tuple<std::string, std::string, std::int64_t>> armed;  // campaign, kind, due_us
  std::vector<std::pair<std::string, std::string>> disarmed;
  bool outbox = false;
  std::vector<CaptureRecord> captured;  // outcomes for the capture sink, once committed
  std::vector<std::function<void()>> after_commit;  // a component's own bookkeeping, once committed
};

struct TxScope {
  SqliteDb& db;
  TxEffects fx;
  bool timer_changes_moved = false;  // durable_timers.cpp: one move a transaction
};

struct TxOutcome {
  bool ok = false;
  bool store_error = false;
  std::string reason;
};

// The ports (ctx.clock, ctx.bus, ...) plus what the components share.
class EngineContext : public EnginePorts {
 public:
  EngineContext(EnginePorts p, EngineOptions o) : EnginePorts(p), options(std::move(o)) {}
  EngineContext(const EngineContext&) = delete;
  EngineContext& operator=(const EngineContext&) = delete;

  const EngineOptions options;

  std::unique_ptr<SqliteDb> db;  // null until the store is open
  bool store_ok = false;         // the last transaction's fate, for health
  bool bus_ok = true;            // the last publish's fate, for health
  // Applies a committed transaction's effects; installed by the facade.
  std::function<void(TxEffects&)> on_commit;

  // Runs `body(scope)` in one BEGIN IMMEDIATE transaction. The body returns "" to
  // commit or a refusal to roll back; a SQLite failure rolls back and comes back as
  // a store error. Effects (notifications, timers, relay) happen only after COMMIT.
  template <class F>
  TxOutcome run_tx(F&& body);

  // Wraps a callback so it is dropped once this engine is gone.
  template <class F>
  auto guarded(F f) {
    return [w = std::weak_ptr<void>(alive_), f = std::move(f)](auto&&... args) mutable {
      if (!w.expired()) f(std::forward<decltype(args)>(args)...);
    };
  }
  // Runs `fn` after `d` on the engine's clock, unless the engine is gone first.
  void later(Duration d, std::string label, std::function<void()> fn, TimerKind kind = TimerKind::foreground) {
    clock.start_wait(d, kind, std::move(label), guarded([fn = std::move(fn)](boost::system::error_code ec) {
                       if (!ec) fn();
                     }));
  }
  CallEnv env() { return CallEnv{clock, random, hooks, options.retry, std::weak_ptr<void>(alive_)}; }
  std::weak_ptr<void> alive() const { return alive_; }
  // The engine is going away: every guarded callback still pending drops out.
  void retire() { alive_.reset(); }
  void trace_store_error(const std::string& reason) {
    hooks.trace("store_error", {{"engine", options.name}, {"reason", reason}});
  }

 private:
  std::shared_ptr<char> alive_ = std::make_shared<char>(0);
};

template <class F>
TxOutcome EngineContext::run_tx(F&& body) {
  if (!db) return TxOutcome{false, true, "store: not open"};
  TxScope scope{*db, {}};
  try {
    Transaction tx(*db);
    std::string refusal = body(scope);
    if (!refusal.empty()) return TxOutcome{false, false, std::move(refusal)};
    tx.commit();
  } catch (const StoreError& e) {
    store_ok = false;
    trace_store_error(e.message);
    return TxOutcome{false, true, e.message};
  }
  store_ok = true;
  if (on_commit) on_commit(scope.fx);
  for (auto& f : scope.fx.after_commit) f();
  return TxOutcome{true, false, {}};
}

}  // namespace clsim::engine
