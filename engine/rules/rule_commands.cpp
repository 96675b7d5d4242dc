// Rule campaign commands: create (validated; the escrow is funded by a durable
// timer right after), customer event intake (validated, stored and queued through
// the outbox, a batch in one transaction) and redrive of a dead-lettered event.
#include "engine/rules/rule_campaigns.hpp"
#include "engine/store/campaign_repo.hpp"
#include "engine/rules/rule_eval.hpp"
#include "engine/rules/rule_names.hpp"

namespace clsim::engine {

namespace {
bool rule_campaign_exists(SqliteDb& db, const std::string& id) {
  auto& q = db.prepare("SELECT 1 FROM rule_campaigns WHERE id = ?");
  q.bind(1, id);
  const bool found = q.step();
  q.reset();
  return found;
}
CommandResult refusal_of(const TxOutcome& out) {
  return CommandResult::refused(out.reason, out.store_error ? Refusal::unavailable : Refusal::conflict);
}
}  // namespace

CommandResult RuleCampaigns::create(const RuleCampaignSpec& spec) {
  if (auto why = validate_rule_spec(spec); !why.empty()) return CommandResult::refused(why, Refusal::invalid);
  std::string id;
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    if (spec.id) {
      id = *spec.id;
      if (rule_campaign_exists(s.db, id) || campaign_exists(s.db, id)) return "campaign " + id + " already exists";
    } else {
      do {
        id = "r-" + std::to_string(next_counter(s.db, "rule_campaign"));
      } while (rule_campaign_exists(s.db, id));
    }
    const auto now = ctx_.clock.now();
    s.db.prepare("INSERT INTO rule_campaigns (id, owner, budget, rules, state, start_us, end_us) "
                 "VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?)")
        .bind(1, id)
        .bind(2, spec.owner)
        .bind(3, spec.budget.minor)
        .bind(4, rules_to_json(spec.rules).dump())
        .bind(5, to_us(now))
        .bind(6, to_us(now + spec.duration))
        .run();
    timers_.arm(s, id, rules::kTimerFund, now);
    timers_.arm(s, id, rules::kTimerEnd, now + spec.duration);
    s.fx.traces.emplace_back("rule_campaign_created", nlohmann::json{{"campaign", id},
                                                                     {"owner", spec.owner},
                                                                     {"budget", spec.budget.minor},
                                                                     {"end_us", to_us(now + spec.duration)}});
    return {};
  });
  return out.ok ? CommandResult::success(id) : refusal_of(out);
}

CommandResult RuleCampaigns::customer_event(const CustomerEvent& ev) { return customer_events({ev}).front(); }

// One transaction for the whole batch (group commit: one fsync acknowledges them
// all); an event repeated within the batch is a duplicate of its first copy.
std::vector<CommandResult> RuleCampaigns::customer_events(const std::vector<CustomerEvent>& evs) {
  std::vector<CommandResult> results(evs.size());
  std::vector<bool> valid(evs.size()), duplicate(evs.size());
  bool any = false;
  for (std::size_t i = 0; i < evs.size(); ++i) {
    if (auto why = validate_customer_event(evs[i]); !why.empty())
      results[i] = CommandResult::refused(why, Refusal::invalid);
    else
      valid[i] = any = true;
  }
  if (!any) return results;
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    for (std::size_t i = 0; i < evs.size(); ++i)
      if (valid[i]) duplicate[i] = !queue_event(s, evs[i]);
    return {};
  });
  for (std::size_t i = 0; i < evs.size(); ++i) {
    if (!valid[i]) continue;
    if (!out.ok) {
      results[i] = refusal_of(out);
    } else if (duplicate[i]) {
      CLSIM_SOMETIMES(ctx_.hooks, "customer_event_duplicate_intake");
      results[i] = CommandResult{true, "duplicate event " + evs[i].id + " (already queued)", evs[i].id};
    } else {
      results[i] = CommandResult::success(evs[i].id);
    }
  }
  return results;
}

// Stores the event and queues it through the outbox; false when it was stored before.
bool RuleCampaigns::queue_event(TxScope& s, const CustomerEvent& ev) {
  auto& q = s.db.prepare("SELECT 1 FROM customer_events WHERE event_id = ?");
  q.bind(1, ev.id);
  const bool duplicate = q.step();
  q.reset();
  if (duplicate) return false;  // the same event again: already queued once
  const std::string trace_id = "tr-" + std::to_string(next_counter(s.db, "trace"));
  const std::int64_t now_us = to_us(ctx_.clock.now());
  s.db.prepare("INSERT INTO customer_events (event_id, type, user_id, payload, trace_id, intake_us, status, "
               "updated_us) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)")
      .bind(1, ev.id)
      .bind(2, ev.type)
      .bind(3, ev.user)
      .bind(4, ev.payload.dump())
      .bind(5, trace_id)
      .bind(6, now_us)
      .bind(7, now_us)
      .run();
  messaging_.emit(s, rules::kOutboxCampaign, rules::kEventType, "customer:" + ev.id + ":requested",
                  {{"event_id", ev.id}, {"trace_id", trace_id}});
  s.fx.traces.emplace_back("customer_event_accepted", nlohmann::json{{"event_id", ev.id},
                                                                     {"type", ev.type},
                                                                     {"user", ev.user},
                                                                     {"trace_id", trace_id}});
  return true;
}

CommandResult RuleCampaigns::redrive(const std::string& event_id) {
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto& q = s.db.prepare("SELECT status, trace_id FROM customer_events WHERE event_id = ?");
    q.bind(1, event_id);
    if (!q.step()) {
      q.reset();
      return "unknown event " + event_id;
    }
    const std::string status = q.text_at(0), trace_id = q.text_at(1);
    q.reset();
    if (status != "dead") return "event " + event_id + " is not dead-lettered";
    s.db.prepare("DELETE FROM dead_letters WHERE event_id = ?").bind(1, event_id).run();
    // Matches recorded before a payment gave up are paid again, from their stored ids.
    s.db.prepare("UPDATE rule_matches SET status = 'pending', reason = '' WHERE event_id = ? AND status = 'failed'")
        .bind(1, event_id)
        .run();
    auto& m = s.db.prepare("SELECT COUNT(*) FROM rule_matches WHERE event_id = ?");
    m.bind(1, event_id);
    m.step();
    const bool matched = m.int_at(0) > 0;
    m.reset();
    // A poison event is evaluated afresh (rules may not have changed, but the operator asked).
    s.db.prepare("UPDATE customer_events SET status = ?, attempts = 0, updated_us = ? WHERE event_id = ?")
        .bind(1, matched ? "matching" : "queued")
        .bind(2, to_us(ctx_.clock.now()))
        .bind(3, event_id)
        .run();
    timers_.arm(s, rules::event_key(event_id), rules::kTimerEvent, ctx_.clock.now());
    s.fx.traces.emplace_back("customer_event_redriven", nlohmann::json{{"event_id", event_id}, {"trace_id", trace_id}});
    return {};
  });
  if (out.ok) return CommandResult::success(event_id);
  return out.reason == "unknown event " + event_id ? CommandResult::refused(out.reason, Refusal::unknown)
                                                   : refusal_of(out);
}

}  // namespace clsim::engine
