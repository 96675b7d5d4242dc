// Messaging: the transactional outbox (rows written with the state change they
// announce), the relay that publishes them to the bus in order (at least once),
// the consumer of "campaign-events" and the inbox that dedupes what it consumed.
// What a delivered message asks for is routed by the facade's handlers.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_context.hpp"

namespace clsim::engine {

class Messaging {
 public:
  struct Handlers {
    // A saga step message not seen before: (campaign, step, bus entry to ack when done).
    std::function<void(const std::string&, const std::string&, std::optional<std::string>)> step;
    std::function<void(const BusDelivery&)> customer_event;
    // Mutation skip_inbox_dedup only: a processed contract message runs again.
    std::function<void(const std::string&)> redo_contract;
  };
  Messaging(EngineContext& ctx, Handlers handlers) : ctx_(ctx), handlers_(std::move(handlers)) {}
  Messaging(const Messaging&) = delete;
  Messaging& operator=(const Messaging&) = delete;

  // An outbox row, inside the transaction that makes the change it announces.
  // Event ids are deterministic, so a step that commits twice emits once.
  void emit(TxScope& s, const std::string& campaign, const std::string& type, const std::string& event_id,
            nlohmann::json payload = nlohmann::json::object());
  void inbox_record(TxScope& s, const std::string& event_id, const std::string& type);
  // Throws StoreError.
  bool inbox_has(const std::string& event_id);
  static bool inbox_has(SqliteDb& db, const std::string& event_id);
  void ack(const std::string& entry_id);
  // Outbox rows not yet published. Throws StoreError.
  std::int64_t outbox_backlog();

  // Subscribes this engine's consumer and takes back entries its previous life left.
  void start_consuming();
  // Takes over entries another consumer has held for `claim_stale` (heartbeat).
  void claim_stale();
  // Publishes unpublished outbox rows unless a relay pass is already running.
  void kick_relay();
  // The bus created the group anew (it may have lost its streams): rows this
  // engine's consumers need and have not consumed (no inbox record) are marked
  // unpublished, so the relay sends them again; the inbox dedupes a repeat.
  void requeue_unconsumed();

 private:
  static constexpr int kRelayBatch = 64;
  void relay_next();
  bool mark_published(const std::vector<std::int64_t>& seqs, std::size_t count);
  void relay_retry(int attempt);
  // Entries of this group idle for `idle` come to this consumer.
  void take_stale(Duration idle);
  void on_delivery(const BusDelivery& d);

  EngineContext& ctx_;
  Handlers handlers_;
  bool relay_busy_ = false;
  int relay_attempt_ = 0;
  bool relay_retry_pending_ = false;
  bool requeue_pending_ = false;  // a requeue the store refused: the next kick_relay tries again
};

}  // namespace clsim::engine
