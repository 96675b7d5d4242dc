// The facade (engine.hpp) and its wiring: construction, start and recovery, the
// heartbeat, routing fired timers to their component, a commit's effects, health.
#include "engine/engine_impl.hpp"

#include "engine/messaging/capture_records.hpp"
#include "engine/names.hpp"
#include "engine/store/schema.hpp"

namespace clsim::engine {

namespace {
// A command the store could not take changed nothing: its client tries again, and
// a replay must not run it twice, so a service's capture leaves it out (the
// simulator's keeps it: EngineOptions::capture_unavailable). Every other one says
// whether it was accepted, and a refused one why and how (to_string(Refusal)), so a
// replay can tell a refusal that timing caused (the replayed world a moment behind)
// from one the engine would repeat.
void finish_capture(CommandCapture& capture, const CommandResult& r, CaptureRecord record) {
  if (r.refusal == Refusal::unavailable && !capture.keeps_unavailable()) return capture.discard();
  record.payload["accepted"] = r.ok;
  if (!r.ok) {
    record.payload["reason"] = r.reason;
    record.payload["refusal"] = to_string(r.refusal);
  }
  capture.command(std::move(record));
}
}  // namespace

const char* to_string(Refusal r) {
  switch (r) {
    case Refusal::none: return "ok";
    case Refusal::invalid: return "invalid";
    case Refusal::unknown: return "unknown";
    case Refusal::conflict: return "conflict";
    case Refusal::unavailable: return "unavailable";
  }
  return "conflict";
}

Engine::Engine(EnginePorts ports, EngineOptions options)
    : impl_(std::make_unique<EngineImpl>(ports, std::move(options))) {}
Engine::~Engine() = default;
void Engine::start() { impl_->start(); }
CommandResult Engine::create(const CampaignSpec& spec) {
  impl_->capture().begin_command();
  auto r = impl_->lifecycle().create(spec);
  finish_capture(impl_->capture(), r, create_record(spec, r.id.empty() ? spec.id.value_or("") : r.id));
  return r;
}
CommandResult Engine::update(const std::string& id, const CampaignUpdate& change, const std::string& by) {
  impl_->capture().begin_command();
  auto r = impl_->lifecycle().update(id, change, by);
  finish_capture(impl_->capture(), r, update_record(id, change, by));
  return r;
}
CommandResult Engine::publish(const std::string& id, const std::string& by) {
  impl_->capture().begin_command();
  auto r = impl_->lifecycle().publish(id, by);
  finish_capture(impl_->capture(), r, user_record("campaign:publish:v1:requested", id, by));
  return r;
}
CommandResult Engine::claim(const std::string& id, const std::string& user) {
  impl_->capture().begin_command();
  auto r = impl_->lifecycle().claim(id, user);
  finish_capture(impl_->capture(), r, user_record("campaign:claim:v1:requested", id, user));
  return r;
}
std::vector<StateUpdate> Engine::updates_since(const std::string& id, std::int64_t seq) {
  return impl_->states().updates_since(id, seq);
}
Health Engine::health() { return impl_->health(); }
CommandResult Engine::create_rule_campaign(const RuleCampaignSpec& spec) {
  impl_->capture().begin_command();
  auto r = impl_->rules().create(spec);
  finish_capture(impl_->capture(), r, rule_campaign_record(spec, r.id.empty() ? spec.id.value_or("") : r.id));
  return r;
}
CommandResult Engine::customer_event(const CustomerEvent& event) {
  impl_->capture().begin_command();
  auto r = impl_->rules().customer_event(event);
  finish_capture(impl_->capture(), r, customer_event_record(event));
  return r;
}
std::vector<CommandResult> Engine::customer_events(const std::vector<CustomerEvent>& events) {
  impl_->capture().begin_command();
  auto rs = impl_->rules().customer_events(events);
  // Captured as one line per event, all stamped with the batch's arrival.
  for (std::size_t i = 0; i < events.size(); ++i) finish_capture(impl_->capture(), rs[i], customer_event_record(events[i]));
  return rs;
}
CommandResult Engine::redrive(const std::string& event_id) {
  impl_->capture().begin_command();
  auto r = impl_->rules().redrive(event_id);
  finish_capture(impl_->capture(), r, redrive_record(event_id));
  return r;
}

EngineImpl::EngineImpl(EnginePorts p, EngineOptions options)
    : paced_social_(p.social, p.clock, p.hooks),
      ctx_(EnginePorts{p.clock, p.random, p.hooks, paced_social_, p.ledger, p.bus, p.notifier, p.storage},
           std::move(options)),
      capture_(ctx_),
      timers_(ctx_, [this](const std::string& campaign, const std::string& kind) { dispatch_timer(campaign, kind); }),
      messaging_(ctx_, Messaging::Handlers{
                           [this](const std::string& campaign, const std::string& step, std::optional<std::string> e) {
                             saga_.run_step(campaign, step, std::move(e));
                           },
                           [this](const BusDelivery& d) { rules_.on_delivery(d); },
                           [this](const std::string& campaign) { saga_.redo_contract_unguarded(campaign); }}),
      states_(ctx_),
      leases_(ctx_),
      payments_(ctx_, leases_),
      saga_(ctx_, timers_, messaging_, states_, leases_, payments_),
      lifecycle_(ctx_, timers_, messaging_, states_, payments_, saga_),
      rules_(ctx_, timers_, messaging_, payments_) {
  ctx_.on_commit = [this](TxEffects& fx) { apply(fx); };
}

// Pending clock waits still hold callbacks; retired, they drop out. The timers
// component then cancels the waits standing for its rows.
EngineImpl::~EngineImpl() { ctx_.retire(); }

void EngineImpl::start() {
  CLSIM_ASSERT(ctx_.hooks, !started_, "Engine::start called twice");
  started_ = true;
  open_store();
}

void EngineImpl::open_store() {
  try {
    auto db = ctx_.storage.open(true);
    migrate(*db);
    ctx_.db = std::move(db);
    ctx_.store_ok = true;
  } catch (const StoreError& e) {
    // The disk may come back: keep trying, as foreground work (the engine is not up).
    ctx_.store_ok = false;
    ctx_.hooks.trace("store_open_failed", {{"engine", ctx_.options.name}, {"reason", e.message}});
    ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, ++open_attempts_) +
                   Duration(1000),
               "engine_open_retry", [this] { open_store(); });
    return;
  }
  ctx_.hooks.trace("engine_started", {{"engine", ctx_.options.name}});
  // Entries a crashed consumer (or this one's previous life) left pending.
  messaging_.start_consuming();
  timers_.sweep(true);
  messaging_.kick_relay();
  tick();
}

void EngineImpl::tick() {
  const TimePoint now = ctx_.clock.now();
  // The first tick of a life writes at once; a failed write is tried at the next.
  if (heartbeat_at_ == TimePoint{} || now - heartbeat_at_ >= ctx_.options.heartbeat_write_interval) {
    auto out = ctx_.run_tx([&](TxScope& s) {
      s.db.prepare("INSERT INTO heartbeats (engine, at_us) VALUES (?, ?) ON CONFLICT(engine) DO UPDATE SET at_us = "
                   "excluded.at_us")
          .bind(1, ctx_.options.name)
          .bind(2, to_us(now))
          .run();
      return std::string();
    });
    if (out.ok) heartbeat_at_ = now;
  }
  // Background sweeps: timers another engine created, outbox rows nobody relayed,
  // bus entries a crashed consumer left behind.
  timers_.sweep(false);
  messaging_.kick_relay();
  messaging_.claim_stale();
  ctx_.later(ctx_.options.heartbeat_interval, "engine_tick", [this] { tick(); }, TimerKind::background);
}

void EngineImpl::apply(TxEffects& fx) {
  for (auto& [ev, fields] : fx.traces) ctx_.hooks.trace(ev, std::move(fields));
  timers_.committed(fx);
  states_.committed(fx);
  for (auto& u : fx.updates) ctx_.notifier.publish(u);
  capture_.outcomes(fx.captured);
  if (fx.outbox) messaging_.kick_relay();
}

void EngineImpl::dispatch_timer(const std::string& campaign, const std::string& kind) {
  if (kind == timer_kind::kClose) {
    lifecycle_.begin_close(campaign, 0);
  } else if (kind == timer_kind::kExpiry) {
    lifecycle_.begin_expiry(campaign);
  } else if (kind == timer_kind::kPoll) {
    lifecycle_.poll_round();
  } else if (kind == timer_kind::kResume) {
    resume_step(campaign);
  } else if (kind.rfind(timer_kind::kClaimPrefix, 0) == 0) {
    lifecycle_.run_claim(campaign, kind.substr(std::string(timer_kind::kClaimPrefix).size()), true);
  } else if (kind.rfind("rule_", 0) == 0) {
    rules_.on_timer(campaign, kind);
  } else {
    CLSIM_ASSERT(ctx_.hooks, false, "unknown timer kind " + kind);
  }
}

void EngineImpl::resume_step(const std::string& campaign) {
  std::optional<CampaignRow> row;
  try {
    row = load_campaign(*ctx_.db, campaign);
  } catch (const StoreError&) {
    return;  // the re-armed resume timer comes back
  }
  if (row && !row->step.empty()) {
    saga_.run_step(campaign, row->step, std::nullopt);
  } else {
    ctx_.run_tx([&](TxScope& s) {  // the step finished elsewhere; nothing to resume
      timers_.disarm(s, campaign, timer_kind::kResume);
      return std::string();
    });
  }
}

Health EngineImpl::health() {
  Health h;
  h.bus_ok = ctx_.bus_ok;
  h.timer_lag = timers_.lag_max();
  h.heartbeat_at = heartbeat_at_;
  if (!ctx_.db) return h;
  try {
    h.outbox_backlog = messaging_.outbox_backlog();
    h.store_ok = ctx_.store_ok;
  } catch (const StoreError&) {
    h.store_ok = false;
  }
  return h;
}

}  // namespace clsim::engine
