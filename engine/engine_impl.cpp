// Engine plumbing: construction, start and recovery, the transaction helper's
// effects, state moves with their audit rows, outbox and inbox rows, health.
#include "engine/engine_impl.hpp"

#include "engine/domain/transitions.hpp"
#include "engine/messaging/capture_records.hpp"
#include "engine/store/schema.hpp"

namespace clsim::engine {

Engine::Engine(EnginePorts ports, EngineOptions options)
    : impl_(std::make_unique<EngineImpl>(ports, std::move(options))) {}
Engine::~Engine() = default;
void Engine::start() { impl_->start(); }
CommandResult Engine::create(const CampaignSpec& spec) {
  impl_->begin_command();
  auto r = impl_->create(spec);
  impl_->capture_command(create_record(spec, r.id.empty() ? spec.id.value_or("") : r.id));
  return r;
}
CommandResult Engine::update(const std::string& id, const CampaignUpdate& change, const std::string& by) {
  impl_->begin_command();
  auto r = impl_->update(id, change, by);
  impl_->capture_command(update_record(id, change, by));
  return r;
}
CommandResult Engine::publish(const std::string& id, const std::string& by) {
  impl_->begin_command();
  auto r = impl_->publish(id, by);
  impl_->capture_command(user_record("campaign:publish:v1:requested", id, by));
  return r;
}
CommandResult Engine::claim(const std::string& id, const std::string& user) {
  impl_->begin_command();
  auto r = impl_->claim(id, user);
  impl_->capture_command(user_record("campaign:claim:v1:requested", id, user));
  return r;
}
std::vector<StateUpdate> Engine::updates_since(const std::string& id, std::int64_t seq) {
  return impl_->updates_since(id, seq);
}
Health Engine::health() { return impl_->health(); }
CommandResult Engine::create_rule_campaign(const RuleCampaignSpec& spec) { return impl_->create_rule_campaign(spec); }
CommandResult Engine::customer_event(const CustomerEvent& event) {
  impl_->begin_command();
  auto r = impl_->customer_event(event);
  impl_->capture_command(customer_event_record(event));
  return r;
}
CommandResult Engine::redrive(const std::string& event_id) { return impl_->redrive(event_id); }

EngineImpl::EngineImpl(EnginePorts p, EngineOptions options)
    : clock_(p.clock),
      random_(p.random),
      hooks_(p.hooks),
      social_(p.social),
      ledger_(p.ledger),
      bus_(p.bus),
      notifier_(p.notifier),
      storage_(p.storage),
      options_(std::move(options)) {}

EngineImpl::~EngineImpl() {
  // Pending clock waits still hold callbacks; they check `alive_` and drop out.
  alive_.reset();
  for (auto& [key, s] : scheduled_) clock_.cancel(s.clock_id);
}

CallEnv EngineImpl::env() { return CallEnv{clock_, random_, hooks_, options_.retry, std::weak_ptr<void>(alive_)}; }

void EngineImpl::later(Duration d, std::string label, std::function<void()> fn, TimerKind kind) {
  clock_.start_wait(d, kind, std::move(label), guarded([fn = std::move(fn)](boost::system::error_code ec) {
                      if (!ec) fn();
                    }));
}

void EngineImpl::start() {
  CLSIM_ASSERT(hooks_, !started_, "Engine::start called twice");
  started_ = true;
  open_store();
}

void EngineImpl::open_store() {
  try {
    auto db = storage_.open(true);
    migrate(*db);
    db_ = std::move(db);
    store_ok_ = true;
  } catch (const StoreError& e) {
    // The disk may come back: keep trying, as foreground work (the engine is not up).
    store_ok_ = false;
    hooks_.trace("store_open_failed", {{"engine", options_.name}, {"reason", e.message}});
    later(backoff_full_jitter(random_, options_.retry.base, options_.retry.cap, ++open_attempts_) + Duration(1000),
          "engine_open_retry", [this] { open_store(); });
    return;
  }
  hooks_.trace("engine_started", {{"engine", options_.name}});
  bus_.subscribe(kEventStream, kConsumerGroup, options_.name,
                 guarded([this](BusDelivery d) { on_delivery(d); }));
  // Entries a crashed consumer (or this one's previous life) left pending.
  bus_.claim_stale(kEventStream, kConsumerGroup, options_.name, options_.durations.claim_stale_at_start,
                   guarded([this](std::vector<BusDelivery> ds) {
                     for (const auto& d : ds) on_delivery(d);
                   }));
  load_timers(true);
  kick_relay();
  tick();
}

void EngineImpl::tick() {
  const auto now_us = to_us(clock_.now());
  auto out = run_tx([&](TxScope& s) {
    s.db.prepare("INSERT INTO heartbeats (engine, at_us) VALUES (?, ?) ON CONFLICT(engine) DO UPDATE SET at_us = "
                 "excluded.at_us")
        .bind(1, options_.name)
        .bind(2, now_us)
        .run();
    return std::string();
  });
  if (out.ok) heartbeat_at_ = clock_.now();
  // Background sweeps: timers another engine created, outbox rows nobody relayed,
  // bus entries a crashed consumer left behind.
  load_timers(false);
  kick_relay();
  bus_.claim_stale(kEventStream, kConsumerGroup, options_.name, options_.durations.claim_stale,
                   guarded([this](std::vector<BusDelivery> ds) {
                     for (const auto& d : ds) on_delivery(d);
                   }));
  later(options_.heartbeat_interval, "engine_tick", [this] { tick(); }, TimerKind::background);
}

void EngineImpl::apply(TxEffects& fx) {
  for (auto& [ev, fields] : fx.traces) hooks_.trace(ev, std::move(fields));
  for (auto& [campaign, kind] : fx.disarmed) {
    unschedule_timer(campaign, kind);
    mirror_timer(campaign, kind, std::nullopt);
  }
  for (auto& [campaign, kind, due_us] : fx.armed) {
    schedule_timer(campaign, kind, due_us);
    mirror_timer(campaign, kind, due_us);
  }
  for (auto& u : fx.updates) notifier_.publish(u);
  capture_outcomes(fx.captured);
  if (fx.outbox) kick_relay();
}

void EngineImpl::move(TxScope& s, CampaignRow& row, CampaignState to, const std::string& reason) {
  CLSIM_ASSERT(hooks_, transition_allowed(row.state, to),
               std::string("illegal transition of ") + row.id + ": " + to_string(row.state) + " -> " + to_string(to));
  s.db.prepare("INSERT INTO transitions (campaign_id, from_state, to_state, reason, at_us) VALUES (?, ?, ?, ?, ?)")
      .bind(1, row.id)
      .bind(2, to_string(row.state))
      .bind(3, to_string(to))
      .bind(4, reason)
      .bind(5, to_us(clock_.now()))
      .run();
  s.fx.traces.emplace_back("transition", nlohmann::json{{"campaign", row.id},
                                                        {"from", to_string(row.state)},
                                                        {"to", to_string(to)},
                                                        {"reason", reason}});
  row.state = to;
}

void EngineImpl::persist(TxScope& s, const CampaignRow& row, bool notify) {
  save_campaign(s.db, row);
  if (!notify) return;
  auto& q = s.db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM state_updates WHERE campaign_id = ?");
  q.bind(1, row.id);
  q.step();
  const std::int64_t seq = q.int_at(0);
  q.reset();
  StateUpdate u{row.id, seq, to_string(row.state), campaign_view(row), clock_.now()};
  s.db.prepare("INSERT INTO state_updates (campaign_id, seq, state, view, at_us) VALUES (?, ?, ?, ?, ?)")
      .bind(1, row.id)
      .bind(2, seq)
      .bind(3, u.state)
      .bind(4, u.view.dump())
      .bind(5, to_us(u.at))
      .run();
  s.fx.updates.push_back(std::move(u));
}

void EngineImpl::emit(TxScope& s, const std::string& campaign, const std::string& type, const std::string& event_id,
                      nlohmann::json payload) {
  payload["campaign_id"] = campaign;
  // Event ids are deterministic, so a step that commits twice emits its event once.
  s.db.prepare("INSERT OR IGNORE INTO outbox (event_id, type, campaign_id, payload, created_us) VALUES (?, ?, ?, ?, ?)")
      .bind(1, event_id)
      .bind(2, type)
      .bind(3, campaign)
      .bind(4, payload.dump())
      .bind(5, to_us(clock_.now()))
      .run();
  s.fx.outbox = true;
  if (options_.capture && type.rfind("campaign:", 0) == 0) {
    s.fx.captured.push_back(outcome_record(type, event_id, payload));
    s.fx.captured.back().ts_us = to_us(clock_.now());
  }
}

void EngineImpl::inbox_record(TxScope& s, const std::string& event_id, const std::string& type) {
  s.db.prepare("INSERT OR IGNORE INTO inbox (event_id, type, processed_us, consumer) VALUES (?, ?, ?, ?)")
      .bind(1, event_id)
      .bind(2, type)
      .bind(3, to_us(clock_.now()))
      .bind(4, options_.name)
      .run();
}

bool EngineImpl::inbox_has(const std::string& event_id) {
  if (!db_) throw StoreError{0, "store: not open"};
  auto& q = db_->prepare("SELECT 1 FROM inbox WHERE event_id = ?");
  q.bind(1, event_id);
  const bool found = q.step();
  q.reset();
  return found;
}

TransactionId EngineImpl::allocate_tx_id(SqliteDb& db) {
  db.prepare("INSERT INTO counters (name, value) VALUES ('tx_valid_start_us', ?) "
             "ON CONFLICT(name) DO UPDATE SET value = MAX(value + 1, excluded.value)")
      .bind(1, to_us(clock_.now()))
      .run();
  auto& q = db.prepare("SELECT value FROM counters WHERE name = 'tx_valid_start_us'");
  q.step();
  const std::int64_t us = q.int_at(0);
  q.reset();
  return TransactionId{options_.ledger_payer, from_us(us)};
}

std::optional<TransactionId> EngineImpl::save_tx_id(const TxIdStore& store, std::optional<TransactionId> given) {
  TransactionId id;
  auto out = run_tx([&](TxScope& s) {
    id = given ? *given : allocate_tx_id(s.db);
    return store(s, id);
  });
  if (!out.ok) return std::nullopt;
  return id;
}

void EngineImpl::bind_tx_id_store(LedgerCallSpec& spec, const TxIdStore& store) {
  if (spec.fresh_id_each_attempt) {
    spec.allocate_id = [this] { return save_tx_id([](TxScope&, const TransactionId&) { return std::string(); }, {}); };
  } else {
    spec.allocate_id = [this, store] { return save_tx_id(store, std::nullopt); };
  }
  spec.persist_id = [this, store](const TransactionId& id) { return save_tx_id(store, id).has_value(); };
}

std::vector<StateUpdate> EngineImpl::updates_since(const std::string& id, std::int64_t seq) {
  std::vector<StateUpdate> out;
  if (!db_) return out;
  try {
    auto& q = db_->prepare(
        "SELECT seq, state, view, at_us FROM state_updates WHERE campaign_id = ? AND seq > ? ORDER BY seq");
    q.bind(1, id).bind(2, seq);
    while (q.step())
      out.push_back(StateUpdate{id, q.int_at(0), q.text_at(1), nlohmann::json::parse(q.text_at(2)),
                                from_us(q.int_at(3))});
    q.reset();
  } catch (const StoreError&) {
    out.clear();
  }
  return out;
}

Health EngineImpl::health() {
  Health h;
  h.bus_ok = bus_ok_;
  h.timer_lag = timer_lag_max_;
  h.heartbeat_at = heartbeat_at_;
  if (!db_) return h;
  try {
    auto& q = db_->prepare("SELECT COUNT(*) FROM outbox WHERE published = 0");
    q.step();
    h.outbox_backlog = q.int_at(0);
    q.reset();
    h.store_ok = store_ok_;
  } catch (const StoreError&) {
    h.store_ok = false;
  }
  return h;
}

}  // namespace clsim::engine
