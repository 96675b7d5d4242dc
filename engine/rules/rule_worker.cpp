// The rule worker: a customer event from the bus is matched against the rule
// campaigns active at its intake time; matches are recorded at most once per
// (campaign, event) by the table's UNIQUE constraint, then paid one by one from
// the campaign's escrow with an idempotent, durably stored transaction id.
// Poison events are dead-lettered at once; transient failures back off and are
// dead-lettered after the last attempt.
#include "engine/rules/rule_campaigns.hpp"
#include "engine/store/campaign_repo.hpp"
#include "engine/rules/rule_backoff.hpp"
#include "engine/rules/rule_eval.hpp"
#include "engine/rules/rule_names.hpp"

namespace clsim::engine {

namespace {
constexpr Duration kFundingWait = Duration(2'000'000);

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

std::int64_t reserved(SqliteDb& db, const std::string& campaign) {
  auto& q = db.prepare("SELECT COALESCE(SUM(reward), 0) FROM rule_matches WHERE campaign_id = ? AND status IN "
                       "('pending', 'paid', 'failed')");
  q.bind(1, campaign);
  q.step();
  const std::int64_t v = q.int_at(0);
  q.reset();
  return v;
}
}  // namespace

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
  bool seen = false;
  try {
    seen = messaging_.inbox_has(rules::event_key(event_id));
  } catch (const StoreError&) {
    return;  // left pending; redelivered or claimed later
  }
  if (seen) {
    CLSIM_SOMETIMES(ctx_.hooks, "customer_event_duplicate_dropped");
    messaging_.ack(d.entry_id);
    return;
  }
  if (process(event_id)) messaging_.ack(d.entry_id);
}

bool RuleCampaigns::process(const std::string& event_id) {
  const std::string key = rules::event_key(event_id);
  if (busy_.count(key)) return true;
  bool pay = false;
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto& q = s.db.prepare("SELECT type, user_id, payload, trace_id, intake_us, status, attempts FROM customer_events "
                           "WHERE event_id = ?");
    q.bind(1, event_id);
    if (!q.step()) {
      q.reset();
      return "unknown event";
    }
    const std::string type = q.text_at(0), user = q.text_at(1), payload_text = q.text_at(2), trace_id = q.text_at(3);
    const std::int64_t intake_us = q.int_at(4), attempts = q.int_at(6);
    std::string status = q.text_at(5);
    q.reset();
    const std::int64_t now_us = to_us(ctx_.clock.now());
    messaging_.inbox_record(s, key, rules::kEventType);
    if (status == "done" || status == "dead") {
      timers_.disarm(s, key, rules::kTimerEvent);
      return {};
    }
    if (status == "queued") {
      struct Hit {
        std::string campaign;
        RuleVerdict verdict;
        std::string state;
        std::int64_t budget;
      };
      std::vector<Hit> hits;
      const nlohmann::json payload = nlohmann::json::parse(payload_text);
      auto& c = s.db.prepare("SELECT id, rules, state, budget FROM rule_campaigns WHERE start_us <= ? AND end_us > ? "
                             "ORDER BY id");
      c.bind(1, intake_us).bind(2, intake_us);
      std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>> active;
      while (c.step()) active.emplace_back(c.text_at(0), c.text_at(1), c.text_at(2), c.int_at(3));
      c.reset();
      for (auto& [id, rules_text, state, budget] : active) {
        RuleVerdict v = evaluate_rules(rules_from_json(nlohmann::json::parse(rules_text)), type, payload);
        if (!v.poison.empty()) {
          // Poison is not transient: retrying cannot help, so it goes to the dead letters at once.
          CLSIM_SOMETIMES(ctx_.hooks, "customer_event_poison");
          dead_letter(s, event_id, trace_id, "poison", id + " " + v.poison, attempts + 1, now_us);
          timers_.disarm(s, key, rules::kTimerEvent);
          return {};
        }
        if (v.matched) hits.push_back(Hit{id, v, state, budget});
      }
      for (const auto& h : hits) {
        std::string mstatus = "pending", reason;
        const std::int64_t used = reserved(s.db, h.campaign);
        if (h.state != "ACTIVE") {
          mstatus = "unpaid", reason = "campaign ended before the event was processed";
        } else if (used + h.verdict.reward.minor > h.budget) {
          CLSIM_SOMETIMES(ctx_.hooks, "rule_match_over_budget");
          mstatus = "unpaid", reason = "over budget: " + std::to_string(h.budget - used) + " left, reward " +
                                       std::to_string(h.verdict.reward.minor);
        }
        s.db.prepare("INSERT OR IGNORE INTO rule_matches (campaign_id, event_id, user_id, rule_index, reward, status, "
                     "reason, trace_id, at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, h.campaign)
            .bind(2, event_id)
            .bind(3, user)
            .bind(4, std::int64_t(h.verdict.rule_index))
            .bind(5, h.verdict.reward.minor)
            .bind(6, mstatus)
            .bind(7, reason)
            .bind(8, trace_id)
            .bind(9, now_us)
            .run();
        if (s.db.changes() > 0)
          s.fx.traces.emplace_back("rule_match", nlohmann::json{{"campaign", h.campaign},
                                                                {"event_id", event_id},
                                                                {"trace_id", trace_id},
                                                                {"rule", h.verdict.rule_index},
                                                                {"reward", h.verdict.reward.minor},
                                                                {"status", mstatus},
                                                                {"reason", reason}});
      }
      status = "matching";
      s.db.prepare("UPDATE customer_events SET status = 'matching', updated_us = ? WHERE event_id = ?")
          .bind(1, now_us)
          .bind(2, event_id)
          .run();
    }
    // Fires again if this engine stops while paying.
    timers_.arm(s, key, rules::kTimerEvent, ctx_.clock.now() + ctx_.options.durations.resume_after);
    pay = true;
    return {};
  });
  if (!out.ok) return !out.store_error;
  if (pay) pay_next(event_id);
  return true;
}

void RuleCampaigns::pay_next(const std::string& event_id) {
  const std::string key = rules::event_key(event_id);
  if (busy_.count(key) || !ctx_.db) return;
  std::string campaign, user, trace_id, state;
  Money reward;
  StoredTxId stored;
  bool found = false, funded = false;
  try {
    auto& q = ctx_.db->prepare(
        "SELECT m.campaign_id, m.user_id, m.reward, m.trace_id, m.tx_payer, m.tx_start_us, c.funded, c.state "
        "FROM rule_matches m JOIN rule_campaigns c ON c.id = m.campaign_id "
        "WHERE m.event_id = ? AND m.status = 'pending' ORDER BY m.campaign_id LIMIT 1");
    q.bind(1, event_id);
    found = q.step();
    if (found) {
      campaign = q.text_at(0), user = q.text_at(1), reward = Money(q.int_at(2)), trace_id = q.text_at(3);
      stored = StoredTxId{q.opt_text(4), q.opt_int(5)};
      funded = q.int_at(6) != 0, state = q.text_at(7);
    }
    q.reset();
  } catch (const StoreError&) {
    return;  // the event's resume timer comes back
  }
  if (!found) {
    ctx_.run_tx([&](TxScope& s) {
      s.db.prepare("UPDATE customer_events SET status = 'done', updated_us = ? WHERE event_id = ? AND status = "
                   "'matching'")
          .bind(1, to_us(ctx_.clock.now()))
          .bind(2, event_id)
          .run();
      timers_.disarm(s, key, rules::kTimerEvent);
      s.fx.traces.emplace_back("customer_event_settled", nlohmann::json{{"event_id", event_id}});
      return std::string();
    });
    return;
  }
  if (!funded) {
    if (state == "ACTIVE") {  // the escrow is being funded: wait for it, this is no failure
      ctx_.later(kFundingWait, "rule_wait_funding:" + event_id, [this, event_id] { pay_next(event_id); });
      return;
    }
    auto res = ctx_.run_tx([&](TxScope& s) {
      s.db.prepare("UPDATE rule_matches SET status = 'unpaid', reason = 'campaign was never funded' "
                   "WHERE campaign_id = ? AND event_id = ? AND status = 'pending'")
          .bind(1, campaign)
          .bind(2, event_id)
          .run();
      return std::string();
    });
    if (res.ok) pay_next(event_id);
    return;
  }
  const Payments::TxIdStore store = [campaign, event_id](TxScope& s, const TransactionId& tx) -> std::string {
    s.db.prepare("UPDATE rule_matches SET tx_payer = ?, tx_start_us = ? WHERE campaign_id = ? AND event_id = ? AND "
                 "status = 'pending'")
        .bind(1, tx.payer)
        .bind(2, to_us(tx.valid_start))
        .bind(3, campaign)
        .bind(4, event_id)
        .run();
    return s.db.changes() > 0 ? std::string() : std::string("stale");
  };
  // Every engine's event timer fires: only the payment's lease owner chooses an id,
  // else one engine's fresh id executes next to another's in-flight one.
  const std::string memo = rules::match_memo(campaign, event_id);
  const bool recovering = stored.set();
  bool owned_elsewhere = false;
  const Payments::TxIdStore first_store = [&](TxScope& s, const TransactionId& tx) -> std::string {
    if (!payments_.take_lease(s.db, memo)) return owned_elsewhere = true, "lease_lost";
    return store(s, tx);
  };
  const std::optional<TransactionId> id = recovering ? stored.id() : payments_.save_tx_id(first_store, std::nullopt);
  if (!id) {
    // Another engine pays it: no failed attempt; the event's resume timer checks back.
    if (!owned_elsewhere) event_failed(event_id, "store: could not record the transaction id");
    return;
  }
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{*id, ctx_.options.durations.tx_valid, LedgerOp::transfer, rules::escrow(campaign), user, reward, memo};
  spec.recovering = recovering;
  spec.fresh_id_each_attempt = ctx_.options.mutations.pay_without_idempotent_id;
  spec.label = campaign + ":match:" + event_id;
  payments_.bind_lease(spec, store);
  spec.done = ctx_.guarded([this, key, campaign, event_id, trace_id, user, reward](const LedgerOutcome& out) {
    busy_.erase(key);
    if (out.abandoned) return;  // owned by another engine; the resume timer checks back
    if (!out.success) {
      event_failed(event_id, out.reason);
      return;
    }
    auto res = ctx_.run_tx([&](TxScope& s) {
      s.db.prepare("UPDATE rule_matches SET status = 'paid', tx_payer = ?, tx_start_us = ? WHERE campaign_id = ? AND "
                   "event_id = ? AND status = 'pending'")
          .bind(1, out.id.payer)
          .bind(2, to_us(out.id.valid_start))
          .bind(3, campaign)
          .bind(4, event_id)
          .run();
      s.fx.traces.emplace_back("rule_payment", nlohmann::json{{"campaign", campaign},
                                                              {"event_id", event_id},
                                                              {"trace_id", trace_id},
                                                              {"user", user},
                                                              {"amount", reward.minor},
                                                              {"tx", out.id.to_string()}});
      return std::string();
    });
    if (res.ok) pay_next(event_id);  // else the resume timer asks the ledger again
  });
  // One attempt is one ledger call that settles (memo lookup included) before
  // giving up; the event's own policy spaces attempts out.
  CallEnv call_env = ctx_.env();
  call_env.retry.max_attempts = 2;
  busy_.insert(key);
  LedgerCall::start(call_env, ctx_.ledger, std::move(spec));
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
