// Rule campaigns: a business's customer events earn rewards when they match a
// rule. Intake validates an event and queues it through the outbox; the worker
// takes it off the bus, matches it at most once per (campaign, event), pays the
// reward under the payment lease, retries transient failures with backoff and
// dead-letters poison events. Funding (escrow) and the end (refund) are steps of
// their own. Owns rule_campaigns, customer_events, rule_matches, dead_letters.
#pragma once
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine_context.hpp"
#include "engine/messaging/messaging.hpp"
#include "engine/saga/payments.hpp"
#include "engine/timers/durable_timers.hpp"

namespace clsim::engine {

// A rule campaign's reserved total moves with its matches' rewards (pending, paid
// and failed count; unpaid does not). Inside a transaction.
void add_reserved(SqliteDb& db, const std::string& campaign, std::int64_t delta);

class RuleCampaigns {
 public:
  RuleCampaigns(EngineContext& ctx, DurableTimers& timers, Messaging& messaging, Payments& payments)
      : ctx_(ctx), timers_(timers), messaging_(messaging), payments_(payments) {}
  RuleCampaigns(const RuleCampaigns&) = delete;
  RuleCampaigns& operator=(const RuleCampaigns&) = delete;

  // Escrows the budget from the owner.
  CommandResult create(const RuleCampaignSpec& spec);
  // Validated, then queued through the outbox.
  CommandResult customer_event(const CustomerEvent& event);
  // A batch in one transaction: one result per event, in order.
  std::vector<CommandResult> customer_events(const std::vector<CustomerEvent>& events);
  // A dead-lettered event goes back to the queue.
  CommandResult redrive(const std::string& event_id);

  void on_delivery(const BusDelivery& d);
  void on_timer(const std::string& id, const std::string& kind);

  // Rows the worker reads (rule_worker.cpp).
  struct StoredEvent;
  struct Hit;
  struct PendingMatch;

 private:
  bool queue_event(TxScope& s, const CustomerEvent& ev);
  void take_batch();
  bool process(const std::string& event_id);
  std::string take_event(TxScope& s, const std::string& event_id, bool& pay);
  void pay_next(const std::string& event_id);
  void pay_events(const std::vector<std::string>& event_ids);
  void settle_event(const std::string& event_id);
  void settle_in(TxScope& s, const std::string& event_id);
  void unfunded_match(const std::string& event_id, const PendingMatch& m);
  void pay_match(const std::string& event_id, const PendingMatch& m);
  std::string store_match_tx_id(TxScope& s, const std::string& campaign, const std::string& event_id,
                                const TransactionId& tx);
  void call_ledger(const std::string& event_id, const PendingMatch& m, const TransactionId& id, bool recovering);
  void record_paid();
  void event_failed(const std::string& event_id, const std::string& why);
  void fund_campaign(const std::string& campaign);
  void end_campaign(const std::string& campaign);
  void refund_campaign(const std::string& campaign);

  EngineContext& ctx_;
  DurableTimers& timers_;
  Messaging& messaging_;
  Payments& payments_;
  struct Delivered {
    std::string event_id, entry_id;
  };
  std::vector<Delivered> delivered_;  // bus deliveries waiting for take_batch
  struct Paid {
    std::string event_id, campaign, user, trace_id;
    Money reward;
    TransactionId tx;
  };
  std::vector<Paid> paid_;  // ledger payments done, waiting for record_paid
  std::set<std::string> busy_;  // events and campaigns with a ledger call in flight here
  // Rules as parsed, by their stored text: parsing a campaign's rules for every
  // event was a tenth of matching it.
  std::unordered_map<std::string, std::vector<Rule>> parsed_rules_;
};

}  // namespace clsim::engine
