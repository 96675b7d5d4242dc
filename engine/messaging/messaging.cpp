// Messaging (messaging.hpp): outbox and inbox rows, the relay (publish
// unpublished rows in order, mark them sent; at least once) and the consumer of
// "campaign-events" (inbox dedup, then the step the message asks for).
#include "engine/messaging/messaging.hpp"

#include "engine/messaging/capture_records.hpp"
#include "engine/names.hpp"

namespace clsim::engine {

namespace {
constexpr const char* kStepTypes[][2] = {
    {"campaign:first_tweet:v1:requested", step::kFirstTweet},
    {"campaign:contract:v1:requested", step::kContract},
    {"campaign:second_tweet:v1:requested", step::kSecondTweet},
    {"campaign:close:v1:requested", step::kCloseRefund},
};

const char* step_for_type(const std::string& type) {
  for (const auto& [t, s] : kStepTypes)
    if (type == t) return s;
  return nullptr;
}
}  // namespace

void Messaging::kick_relay() {
  if (requeue_pending_ && ctx_.db) return requeue_unconsumed();  // commits with fx.outbox: kicks again
  if (relay_busy_ || relay_retry_pending_ || !ctx_.db) return;
  relay_next();
}

// Only what the engine consumes is sent again: saga steps (inbox id = event id)
// and customer events (inbox id = "ev:" + the customer's event id). Notifications
// for other services have no inbox here, and resending all of history after every
// loss would grow without bound.
void Messaging::requeue_unconsumed() {
  if (!ctx_.db) {
    requeue_pending_ = true;
    return;
  }
  std::string steps;
  for (const auto& [type, step_name] : kStepTypes) {
    (void)step_name;
    steps += std::string(steps.empty() ? "" : ", ") + "'" + type + "'";
  }
  auto out = ctx_.run_tx([&](TxScope& s) {
    s.db.prepare("UPDATE outbox SET published = 0 WHERE published = 1 AND ("
                 "(type IN (" + steps + ") AND event_id NOT IN (SELECT event_id FROM inbox)) OR "
                 "(type = 'customer:event:v1:requested' AND "
                 "('ev:' || json_extract(payload, '$.event_id')) NOT IN (SELECT event_id FROM inbox)))")
        .run();
    s.fx.outbox = true;
    return std::string();
  });
  requeue_pending_ = !out.ok;
}

// Up to kRelayBatch rows a pass, published as one pipeline and marked sent in one
// transaction: a backlog costs one commit a batch, not one a message.
void Messaging::relay_next() {
  std::vector<std::int64_t> seqs;
  std::vector<BusMessage> msgs;
  try {
    static const std::string sql =
        "SELECT seq, event_id, type, payload FROM outbox WHERE published = 0 ORDER BY seq LIMIT " +
        std::to_string(kRelayBatch);
    auto& q = ctx_.db->prepare(sql);
    while (q.step()) {
      seqs.push_back(q.int_at(0));
      msgs.push_back(BusMessage{q.text_at(1), q.text_at(2), q.text_at(3)});
    }
    q.reset();
  } catch (const StoreError&) {
    relay_busy_ = false;
    return;  // the next tick sweeps again
  }
  if (seqs.empty()) {
    relay_busy_ = false;
    return;
  }
  relay_busy_ = true;
  ctx_.bus.publish_batch(kEventStream, std::move(msgs),
                         ctx_.guarded([this, seqs = std::move(seqs)](std::vector<PublishResult> rs) {
                           std::size_t sent = 0;
                           while (sent < rs.size() && sent < seqs.size() && rs[sent].ok) ++sent;
                           if (sent > 0) {
                             ctx_.bus_ok = true;
                             relay_attempt_ = 0;
                             CLSIM_CRASH_POINT(ctx_.hooks, "after_outbox_publish");
                             if (!mark_published(seqs, sent)) return relay_retry(2);
                           }
                           if (sent < seqs.size()) {
                             // Pending rows are pending work: retry in the foreground, with backoff.
                             ctx_.bus_ok = false;
                             return relay_retry(++relay_attempt_);
                           }
                           relay_next();
                         }));
}

bool Messaging::mark_published(const std::vector<std::int64_t>& seqs, std::size_t count) {
  return ctx_.run_tx([&](TxScope& s) {
    const std::int64_t now_us = to_us(ctx_.clock.now());
    auto& mark = s.db.prepare("UPDATE outbox SET published = 1, published_us = ? WHERE seq = ?");
    for (std::size_t i = 0; i < count; ++i) mark.bind(1, now_us).bind(2, seqs[i]).run();
    return std::string();
  }).ok;
}

void Messaging::on_delivery(const BusDelivery& d) {
  if (d.message.type == "customer:event:v1:requested") {
    handlers_.customer_event(d);  // engine/rules/
    return;
  }
  const char* step_name = step_for_type(d.message.type);
  if (!step_name) {
    ack(d.entry_id);  // notifications for other services; nothing for the engine to do
    return;
  }
  std::string campaign;
  try {
    auto payload = nlohmann::json::parse(d.message.payload);
    if (payload.contains("campaign_id") && payload["campaign_id"].is_string())
      campaign = payload["campaign_id"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  if (campaign.empty()) {
    ctx_.hooks.trace("poison_message", {{"engine", ctx_.options.name}, {"event_id", d.message.event_id}});
    ack(d.entry_id);
    return;
  }
  bool seen = false;
  try {
    seen = inbox_has(d.message.event_id);
  } catch (const StoreError&) {
    return;  // left pending: redelivered or claimed later, and the resume timer runs the step
  }
  if (seen) {
    if (!ctx_.options.mutations.skip_inbox_dedup) {
      CLSIM_SOMETIMES(ctx_.hooks, "inbox_duplicate_dropped");
      ack(d.entry_id);
      return;
    }
    // Mutation skip_inbox_dedup: a processed message runs its step again as if new.
    if (std::string(step_name) == step::kContract) handlers_.redo_contract(campaign);
    ack(d.entry_id);
    return;
  }
  handlers_.step(campaign, step_name, d.entry_id);
}

void Messaging::relay_retry(int attempt) {
  relay_busy_ = false;
  relay_retry_pending_ = true;
  ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, attempt), "relay_retry",
             [this] {
               relay_retry_pending_ = false;
               kick_relay();
             });
}

void Messaging::emit(TxScope& s, const std::string& campaign, const std::string& type, const std::string& event_id,
                     nlohmann::json payload) {
  payload["campaign_id"] = campaign;
  s.db.prepare("INSERT OR IGNORE INTO outbox (event_id, type, campaign_id, payload, created_us) VALUES (?, ?, ?, ?, ?)")
      .bind(1, event_id)
      .bind(2, type)
      .bind(3, campaign)
      .bind(4, payload.dump())
      .bind(5, to_us(ctx_.clock.now()))
      .run();
  s.fx.outbox = true;
  if (ctx_.options.capture && type.rfind("campaign:", 0) == 0) {
    s.fx.captured.push_back(outcome_record(type, event_id, payload));
    s.fx.captured.back().ts_us = to_us(ctx_.clock.now());
  }
}

void Messaging::inbox_record(TxScope& s, const std::string& event_id, const std::string& type) {
  s.db.prepare("INSERT OR IGNORE INTO inbox (event_id, type, processed_us, consumer) VALUES (?, ?, ?, ?)")
      .bind(1, event_id)
      .bind(2, type)
      .bind(3, to_us(ctx_.clock.now()))
      .bind(4, ctx_.options.name)
      .run();
}

bool Messaging::inbox_has(const std::string& event_id) {
  if (!ctx_.db) throw StoreError{0, "store: not open"};
  return inbox_has(*ctx_.db, event_id);
}

bool Messaging::inbox_has(SqliteDb& db, const std::string& event_id) {
  auto& q = db.prepare("SELECT 1 FROM inbox WHERE event_id = ?");
  q.bind(1, event_id);
  const bool found = q.step();
  q.reset();
  return found;
}

std::int64_t Messaging::outbox_backlog() {
  auto& q = ctx_.db->prepare("SELECT COUNT(*) FROM outbox WHERE published = 0");
  q.step();
  const std::int64_t n = q.int_at(0);
  q.reset();
  return n;
}

void Messaging::ack(const std::string& entry_id) { ctx_.bus.ack(kEventStream, kConsumerGroup, entry_id); }

void Messaging::start_consuming() {
  ctx_.bus.on_group_created(ctx_.guarded([this](const std::string& stream) {
    if (stream == kEventStream) requeue_unconsumed();
  }));
  ctx_.bus.subscribe(kEventStream, kConsumerGroup, ctx_.options.name,
                     ctx_.guarded([this](BusDelivery d) { on_delivery(d); }));
  take_stale(ctx_.options.durations.claim_stale_at_start);
}

void Messaging::claim_stale() { take_stale(ctx_.options.durations.claim_stale); }

void Messaging::take_stale(Duration idle) {
  ctx_.bus.claim_stale(kEventStream, kConsumerGroup, ctx_.options.name, idle,
                       ctx_.guarded([this](std::vector<BusDelivery> ds) {
                         for (const auto& d : ds) on_delivery(d);
                       }));
}

}  // namespace clsim::engine
