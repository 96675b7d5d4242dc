// Paying a customer event's matches one by one from each campaign's escrow, with
// an idempotent, durably stored transaction id under the payment lease; the event
// is settled when none is left to pay.
#include "engine/rules/rule_campaigns.hpp"
#include "engine/rules/rule_names.hpp"
#include "engine/store/campaign_repo.hpp"

namespace clsim::engine {

// The first of an event's matches still to pay, with its campaign's funding.
struct RuleCampaigns::PendingMatch {
  std::string campaign, user, trace_id, state;
  Money reward;
  StoredTxId stored;
  bool funded = false;
};

namespace {
constexpr Duration kFundingWait = Duration(2'000'000);

// Throws StoreError.
std::optional<RuleCampaigns::PendingMatch> next_pending(SqliteDb& db, const std::string& event_id) {
  auto& q = db.prepare(
      "SELECT m.campaign_id, m.user_id, m.reward, m.trace_id, m.tx_payer, m.tx_start_us, c.funded, c.state "
      "FROM rule_matches m JOIN rule_campaigns c ON c.id = m.campaign_id "
      "WHERE m.event_id = ? AND m.status = 'pending' ORDER BY m.campaign_id LIMIT 1");
  q.bind(1, event_id);
  std::optional<RuleCampaigns::PendingMatch> m;
  if (q.step())
    m = RuleCampaigns::PendingMatch{q.text_at(0), q.text_at(1), q.text_at(3), q.text_at(7), Money(q.int_at(2)),
                                    StoredTxId{q.opt_text(4), q.opt_int(5)}, q.int_at(6) != 0};
  q.reset();
  return m;
}
}  // namespace

void RuleCampaigns::pay_next(const std::string& event_id) {
  const std::string key = rules::event_key(event_id);
  if (busy_.count(key) || !ctx_.db) return;
  std::optional<PendingMatch> m;
  try {
    m = next_pending(*ctx_.db, event_id);
  } catch (const StoreError&) {
    return;  // the event's resume timer comes back
  }
  if (!m) return settle_event(event_id);
  if (!m->funded) return unfunded_match(event_id, *m);
  pay_match(event_id, *m);
}

void RuleCampaigns::settle_event(const std::string& event_id) {
  ctx_.run_tx([&](TxScope& s) {
    s.db.prepare("UPDATE customer_events SET status = 'done', updated_us = ? WHERE event_id = ? AND status = "
                 "'matching'")
        .bind(1, to_us(ctx_.clock.now()))
        .bind(2, event_id)
        .run();
    timers_.disarm(s, rules::event_key(event_id), rules::kTimerEvent);
    s.fx.traces.emplace_back("customer_event_settled", nlohmann::json{{"event_id", event_id}});
    return std::string();
  });
}

void RuleCampaigns::unfunded_match(const std::string& event_id, const PendingMatch& m) {
  if (m.state == "ACTIVE") {  // the escrow is being funded: wait for it, this is no failure
    ctx_.later(kFundingWait, "rule_wait_funding:" + event_id, [this, event_id] { pay_next(event_id); });
    return;
  }
  auto res = ctx_.run_tx([&](TxScope& s) {
    s.db.prepare("UPDATE rule_matches SET status = 'unpaid', reason = 'campaign was never funded' "
                 "WHERE campaign_id = ? AND event_id = ? AND status = 'pending'")
        .bind(1, m.campaign)
        .bind(2, event_id)
        .run();
    return std::string();
  });
  if (res.ok) pay_next(event_id);
}

void RuleCampaigns::pay_match(const std::string& event_id, const PendingMatch& m) {
  const std::string key = rules::event_key(event_id), campaign = m.campaign;
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
  const bool recovering = m.stored.set();
  bool owned_elsewhere = false;
  const Payments::TxIdStore first_store = [&](TxScope& s, const TransactionId& tx) -> std::string {
    if (!payments_.take_lease(s.db, memo)) return owned_elsewhere = true, "lease_lost";
    return store(s, tx);
  };
  const std::optional<TransactionId> id = recovering ? m.stored.id() : payments_.save_tx_id(first_store, std::nullopt);
  if (!id) {
    // Another engine pays it: no failed attempt; the event's resume timer checks back.
    if (!owned_elsewhere) event_failed(event_id, "store: could not record the transaction id");
    return;
  }
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{*id, ctx_.options.durations.tx_valid, LedgerOp::transfer, rules::escrow(campaign),
                              m.user, m.reward, memo};
  spec.recovering = recovering;
  spec.fresh_id_each_attempt = ctx_.options.mutations.pay_without_idempotent_id;
  spec.label = campaign + ":match:" + event_id;
  payments_.bind_lease(spec, store);
  spec.done = ctx_.guarded([this, key, m, event_id](const LedgerOutcome& out) {
    busy_.erase(key);
    if (out.abandoned) {  // owned by another engine; the resume timer checks back
      CLSIM_SOMETIMES(ctx_.hooks, "match_payment_owned_elsewhere");
      return;
    }
    if (!out.success) {
      event_failed(event_id, out.reason);
      return;
    }
    match_paid(event_id, m, out);
  });
  // One attempt is one ledger call that settles (memo lookup included) before
  // giving up; the event's own policy spaces attempts out.
  CallEnv call_env = ctx_.env();
  call_env.retry.max_attempts = 2;
  busy_.insert(key);
  LedgerCall::start(call_env, ctx_.ledger, std::move(spec));
}

void RuleCampaigns::match_paid(const std::string& event_id, const PendingMatch& m, const LedgerOutcome& out) {
  auto res = ctx_.run_tx([&](TxScope& s) {
    s.db.prepare("UPDATE rule_matches SET status = 'paid', tx_payer = ?, tx_start_us = ? WHERE campaign_id = ? AND "
                 "event_id = ? AND status = 'pending'")
        .bind(1, out.id.payer)
        .bind(2, to_us(out.id.valid_start))
        .bind(3, m.campaign)
        .bind(4, event_id)
        .run();
    s.fx.traces.emplace_back("rule_payment", nlohmann::json{{"campaign", m.campaign},
                                                            {"event_id", event_id},
                                                            {"trace_id", m.trace_id},
                                                            {"user", m.user},
                                                            {"amount", m.reward.minor},
                                                            {"tx", out.id.to_string()}});
    return std::string();
  });
  if (res.ok) pay_next(event_id);  // else the resume timer asks the ledger again
}

}  // namespace clsim::engine
