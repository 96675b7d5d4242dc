// Messaging: the outbox relay (publish unpublished rows in order, mark them sent;
// at least once) and the consumer of "campaign-events" (inbox dedup, then the
// saga step the message asks for).
#include "engine/engine_impl.hpp"

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

void EngineImpl::kick_relay() {
  if (relay_busy_ || relay_retry_pending_ || !db_) return;
  relay_next();
}

void EngineImpl::relay_next() {
  std::int64_t seq = 0;
  BusMessage msg;
  try {
    auto& q = db_->prepare(
        "SELECT seq, event_id, type, payload FROM outbox WHERE published = 0 ORDER BY seq LIMIT 1");
    const bool found = q.step();
    if (found) seq = q.int_at(0), msg = BusMessage{q.text_at(1), q.text_at(2), q.text_at(3)};
    q.reset();
    if (!found) {
      relay_busy_ = false;
      return;
    }
  } catch (const StoreError&) {
    relay_busy_ = false;
    return;  // the next tick sweeps again
  }
  relay_busy_ = true;
  bus_.publish(kEventStream, msg, guarded([this, seq](PublishResult r) {
                 if (!r.ok) {
                   // Pending rows are pending work: retry in the foreground, with backoff.
                   bus_ok_ = false;
                   relay_busy_ = false;
                   relay_retry_pending_ = true;
                   later(backoff_full_jitter(random_, options_.retry.base, options_.retry.cap, ++relay_attempt_),
                         "relay_retry", [this] {
                           relay_retry_pending_ = false;
                           kick_relay();
                         });
                   return;
                 }
                 bus_ok_ = true;
                 relay_attempt_ = 0;
                 CLSIM_CRASH_POINT(hooks_, "after_outbox_publish");
                 auto out = run_tx([&](TxScope& s) {
                   s.db.prepare("UPDATE outbox SET published = 1, published_us = ? WHERE seq = ?")
                       .bind(1, to_us(clock_.now()))
                       .bind(2, seq)
                       .run();
                   return std::string();
                 });
                 if (!out.ok) {
                   relay_busy_ = false;
                   relay_retry_pending_ = true;
                   later(backoff_full_jitter(random_, options_.retry.base, options_.retry.cap, 2), "relay_retry",
                         [this] {
                           relay_retry_pending_ = false;
                           kick_relay();
                         });
                   return;
                 }
                 relay_next();
               }));
}

void EngineImpl::ack(const std::string& entry_id) { bus_.ack(kEventStream, kConsumerGroup, entry_id); }

void EngineImpl::on_delivery(const BusDelivery& d) {
  if (d.message.type == "customer:event:v1:requested") {
    rule_delivery(d);  // engine/rules/
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
    hooks_.trace("poison_message", {{"engine", options_.name}, {"event_id", d.message.event_id}});
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
    if (!options_.mutations.skip_inbox_dedup) {
      CLSIM_SOMETIMES(hooks_, "inbox_duplicate_dropped");
      ack(d.entry_id);
      return;
    }
    // Mutation skip_inbox_dedup: a processed message runs its step again as if new.
    if (std::string(step_name) == step::kContract) redo_contract_unguarded(campaign);
    ack(d.entry_id);
    return;
  }
  run_step(campaign, step_name, d.entry_id);
}

}  // namespace clsim::engine
