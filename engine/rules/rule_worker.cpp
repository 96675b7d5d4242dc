// The rule worker: a customer event from the bus is matched against the rule
// campaigns active at its intake time; matches are recorded at most once per
// (campaign, event) by the table's UNIQUE constraint, then paid one by one
// (rule_payments.cpp). Deliveries that arrive together are taken in one
// transaction (group commit), and acked once it commits.
// Poison events are dead-lettered at once; transient failures back off and are
// dead-lettered after the last attempt.
#include "engine/rules/rule_campaigns.hpp"
#include "engine/store/campaign_repo.hpp"
#include "engine/rules/rule_backoff.hpp"
#include "engine/rules/rule_eval.hpp"
#include "engine/rules/rule_names.hpp"

namespace clsim::engine {

namespace {
void dead_letter(TxScope& s, const std::string& event_id, const std::string& trace_id, const std::string& reason,
                 const std::string& message, std::int64_t attempts, std::int64_t now_us) {
  s.db.prepare("INSERT OR REPLACE INTO dead_letters (event_id, reason, message, attempts, at_us) VALUES (?, ?, ?, ?, ?)")
      .bind(1, event_id)
      .bind(2, reason)
      .bind(3, message)
      .bind(4, attempts)
      .bind(5, now_us)
      .run();
  s.db.prepare("UPDATE customer_events SET status = 'dead', attempts = ?, updated_us = ? WHERE event_id = ?")
      .bind(1, attempts)
      .bind(2, now_us)
      .bind(3, event_id)
      .run();
  s.fx.traces.emplace_back("dead_letter", nlohmann::json{{"event_id", event_id},
                                                         {"trace_id", trace_id},
                                                         {"reason", reason},
                                                         {"message", message},
                                                         {"attempts", attempts}});
}

}  // namespace

// A customer event as stored at intake.
struct RuleCampaigns::StoredEvent {
  std::string type, user, payload_text, trace_id, status;
  std::int64_t intake_us = 0, attempts = 0;
};

// A rule campaign whose rules the event matched.
struct RuleCampaigns::Hit {
  std::string campaign;
  RuleVerdict verdict;
  std::string state;
  std::int64_t budget = 0, reserved = 0;  // reserved: the campaign's pending, paid and failed rewards
};

namespace {
std::optional<RuleCampaigns::StoredEvent> load_event(SqliteDb& db, const std::string& event_id) {
  auto& q = db.prepare("SELECT type, user_id, payload, trace_id, intake_us, status, attempts FROM customer_events "
                       "WHERE event_id = ?");
  q.bind(1, event_id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  RuleCampaigns::StoredEvent ev{q.text_at(0), q.text_at(1), q.text_at(2), q.text_at(3), q.text_at(5), q.int_at(4),
                                q.int_at(6)};
  q.reset();
  return ev;
}

// The rule campaigns active at the event's intake that it matches, in id order;
// empty with `poison` set ("<campaign> <why>") when one finds it poison.
std::vector<RuleCampaigns::Hit> match_active(SqliteDb& db, const RuleCampaigns::StoredEvent& ev,
                                             std::unordered_map<std::string, std::vector<Rule>>& parsed,
                                             std::string& poison) {
  std::vector<RuleCampaigns::Hit> hits;
  const nlohmann::json payload = nlohmann::json::parse(ev.payload_text);
  auto& c = db.prepare("SELECT id, rules, state, budget, reserved FROM rule_campaigns WHERE start_us <= ? AND "
                       "end_us > ? ORDER BY id");
  c.bind(1, ev.intake_us).bind(2, ev.intake_us);
  std::vector<std::tuple<std::string, std::string, std::string, std::int64_t, std::int64_t>> active;
  while (c.step()) active.emplace_back(c.text_at(0), c.text_at(1), c.text_at(2), c.int_at(3), c.int_at(4));
  c.reset();
  for (auto& [id, rules_text, state, budget, reserved] : active) {
    auto rules = parsed.find(rules_text);
    if (rules == parsed.end()) {
      if (parsed.size() >= 256) parsed.clear();  // texts of ended campaigns go too
      auto rs = rules_from_json(nlohmann::json::parse(rules_text));
      rules = parsed.emplace(std::move(rules_text), std::move(rs)).first;
    }
    RuleVerdict v = evaluate_rules(rules->second, ev.type, payload);
    if (!v.poison.empty()) {
      poison = id + " " + v.poison;
      return {};
    }
    if (v.matched) hits.push_back(RuleCampaigns::Hit{id, v, state, budget, reserved});
  }
  return hits;
}

// One match row, at most once per (campaign, event): pending (its reward reserved
// on the campaign's row), or unpaid with why.
void record_match(TxScope& s, Hooks& hooks, const std::string& event_id, const RuleCampaigns::StoredEvent& ev,
                  const RuleCampaigns::Hit& h, std::int64_t now_us) {
  std::string mstatus = "pending", reason;
  const std::int64_t used = h.reserved;
  if (h.state != "ACTIVE") {
    mstatus = "unpaid", reason = "campaign ended before the event was processed";
  } else if (used + h.verdict.reward.minor > h.budget) {
    CLSIM_SOMETIMES(hooks, "rule_match_over_budget");
    mstatus = "unpaid", reason = "over budget: " + std::to_string(h.budget - used) + " left, reward " +
                                 std::to_string(h.verdict.reward.minor);
  }
  s.db.prepare("INSERT OR IGNORE INTO rule_matches (campaign_id, event_id, user_id, rule_index, reward, status, "
               "reason, trace_id, at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, h.campaign)
      .bind(2, event_id)
      .bind(3, ev.user)
      .bind(4, std::int64_t(h.verdict.rule_index))
      .bind(5, h.verdict.reward.minor)
      .bind(6, mstatus)
      .bind(7, reason)
      .bind(8, ev.trace_id)
      .bind(9, now_us)
      .run();
  if (s.db.changes() == 0) return;  // recorded before
  if (mstatus == "pending") add_reserved(s.db, h.campaign, h.verdict.reward.minor);
  s.fx.traces.emplace_back("rule_match", nlohmann::json{{"campaign", h.campaign},
                                                        {"event_id", event_id},
                                                        {"trace_id", ev.trace_id},
                                                        {"rule", h.verdict.rule_index},
                                                        {"reward", h.verdict.reward.minor},
                                                        {"status", mstatus},
                                                        {"reason", reason}});
}

}  // namespace

// Deliveries are taken in batches: those that arrive within rule_batch_window of
// the first share one transaction.
void RuleCampaigns::on_delivery(const BusDelivery& d) {
  std::string event_id;
  try {
    auto payload = nlohmann::json::parse(d.message.payload);
    if (payload.contains("event_id") && payload["event_id"].is_string()) event_id = payload["event_id"];
  } catch (const nlohmann::json::exception&) {
  }
  if (event_id.empty()) {
    ctx_.hooks.trace("poison_message", {{"engine", ctx_.options.name}, {"event_id", d.message.event_id}});
    messaging_.ack(d.entry_id);
    return;
  }
  delivered_.push_back(Delivered{std::move(event_id), d.entry_id});
  if (delivered_.size() == 1) ctx_.later(ctx_.options.rule_batch_window, "rule_take_batch", [this] { take_batch(); });
}

// One transaction takes every delivered event not in the inbox yet; the entries
// are acked once it commits (a store error leaves them all pending, to be
// redelivered or claimed), then the taken events are paid.
void RuleCampaigns::take_batch() {
  std::vector<Delivered> batch;
  batch.swap(delivered_);
  std::vector<char> duplicate(batch.size(), 0), pay(batch.size(), 0);
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::string key = rules::event_key(batch[i].event_id);
      if (messaging_.inbox_has(s.db, key)) {
        duplicate[i] = 1;
        continue;
      }
      if (busy_.count(key)) continue;
      bool p = false;
      (void)take_event(s, batch[i].event_id, p);  // an unknown event writes nothing and is acked
      pay[i] = p;
    }
    return std::string();
  });
  if (!out.ok) return;
  std::vector<std::string> to_pay;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (duplicate[i]) CLSIM_SOMETIMES(ctx_.hooks, "customer_event_duplicate_dropped");
    messaging_.ack(batch[i].entry_id);
    if (pay[i]) to_pay.push_back(batch[i].event_id);
  }
  pay_events(to_pay);
}

bool RuleCampaigns::process(const std::string& event_id) {
  const std::string key = rules::event_key(event_id);
  if (busy_.count(key)) return true;
  bool pay = false;
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string { return take_event(s, event_id, pay); });
  if (!out.ok) return !out.store_error;
  if (pay) pay_next(event_id);
  return true;
}

// Inside process's transaction: a queued event's matches are recorded once (a
// poison event is dead-lettered instead), then its resume timer is armed for the
// payments; `pay` says whether to pay now.
std::string RuleCampaigns::take_event(TxScope& s, const std::string& event_id, bool& pay) {
  const std::string key = rules::event_key(event_id);
  const std::optional<StoredEvent> ev = load_event(s.db, event_id);
  if (!ev) return "unknown event";
  const std::int64_t now_us = to_us(ctx_.clock.now());
  messaging_.inbox_record(s, key, rules::kEventType);
  if (ev->status == "done" || ev->status == "dead") {
    timers_.disarm(s, key, rules::kTimerEvent);
    return {};
  }
  if (ev->status == "queued") {
    std::string poison;
    const std::vector<Hit> hits = match_active(s.db, *ev, parsed_rules_, poison);
    if (!poison.empty()) {
      // Poison is not transient: retrying cannot help, so it goes to the dead letters at once.
      CLSIM_SOMETIMES(ctx_.hooks, "customer_event_poison");
      dead_letter(s, event_id, ev->trace_id, "poison", poison, ev->attempts + 1, now_us);
      timers_.disarm(s, key, rules::kTimerEvent);
      return {};
    }
    for (const auto& h : hits) record_match(s, ctx_.hooks, event_id, *ev, h, now_us);
    s.db.prepare("UPDATE customer_events SET status = 'matching', updated_us = ? WHERE event_id = ?")
        .bind(1, now_us)
        .bind(2, event_id)
        .run();
  }
  // Fires again if this engine stops while paying.
  timers_.arm(s, key, rules::kTimerEvent, ctx_.clock.now() + ctx_.options.durations.resume_after);
  pay = true;
  return {};
}

void RuleCampaigns::event_failed(const std::string& event_id, const std::string& why) {
  const std::string key = rules::event_key(event_id);
  const RuleRetryPolicy& policy = ctx_.options.rule_retry;
  ctx_.run_tx([&](TxScope& s) -> std::string {
    auto& q = s.db.prepare("SELECT status, attempts, trace_id FROM customer_events WHERE event_id = ?");
    q.bind(1, event_id);
    if (!q.step()) {
      q.reset();
      return "unknown event";
    }
    const std::string status = q.text_at(0), trace_id = q.text_at(2);
    const std::int64_t attempts = q.int_at(1) + 1;
    q.reset();
    if (status != "queued" && status != "matching") return "stale";
    const std::int64_t now_us = to_us(ctx_.clock.now());
    if (attempts >= policy.max_attempts) {
      CLSIM_SOMETIMES(ctx_.hooks, "customer_event_retries_exhausted");
      s.db.prepare("UPDATE rule_matches SET status = 'failed', reason = ? WHERE event_id = ? AND status = 'pending'")
          .bind(1, "retries_exhausted: " + why)
          .bind(2, event_id)
          .run();
      dead_letter(s, event_id, trace_id, "retries_exhausted", why, attempts, now_us);
      timers_.disarm(s, key, rules::kTimerEvent);
      return {};
    }
    const Duration wait = rule_backoff(ctx_.random, policy, int(attempts));
    s.db.prepare("UPDATE customer_events SET attempts = ?, updated_us = ? WHERE event_id = ?")
        .bind(1, attempts)
        .bind(2, now_us)
        .bind(3, event_id)
        .run();
    timers_.arm(s, key, rules::kTimerEvent, ctx_.clock.now() + wait);
    s.fx.traces.emplace_back("customer_event_retry", nlohmann::json{{"event_id", event_id},
                                                                    {"trace_id", trace_id},
                                                                    {"attempt", attempts},
                                                                    {"wait_us", to_us(wait)},
                                                                    {"why", why}});
    return {};
  });
}

}  // namespace clsim::engine
