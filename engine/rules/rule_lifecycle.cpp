// A rule campaign's money and life: the escrow is funded from the owner right
// after creation (contract_create, memo "clsim:<r-id>:escrow"); at start +
// duration it goes ACTIVE -> ENDED and the unreserved budget goes back to the
// owner (memo "clsim:<r-id>:refund"). Both are durable timers that retry until done.
#include "engine/rules/rule_campaigns.hpp"
#include "engine/store/campaign_repo.hpp"
#include "engine/rules/rule_names.hpp"

namespace clsim::engine {

namespace {
constexpr Duration kEndRecheck = Duration(1'000'000);

struct RuleRow {
  std::string owner, state;
  Money budget, refund_amount;
  std::int64_t end_us = 0;
  bool funded = false, refunded = false;
  StoredTxId fund_tx, refund_tx;
};

std::optional<RuleRow> load_rule(SqliteDb& db, const std::string& id) {
  auto& q = db.prepare("SELECT owner, state, budget, refund_amount, end_us, funded, refunded, fund_tx_payer, "
                       "fund_tx_start_us, refund_tx_payer, refund_tx_start_us FROM rule_campaigns WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  RuleRow r{q.text_at(0), q.text_at(1), Money(q.int_at(2)), Money(q.int_at(3)), q.int_at(4), q.int_at(5) != 0,
            q.int_at(6) != 0, StoredTxId{q.opt_text(7), q.opt_int(8)}, StoredTxId{q.opt_text(9), q.opt_int(10)}};
  q.reset();
  return r;
}
}  // namespace

void RuleCampaigns::on_timer(const std::string& id, const std::string& kind) {
  if (kind == rules::kTimerEvent) {
    process(id.substr(3));  // "ev:<event_id>"
  } else if (kind == rules::kTimerFund) {
    fund_campaign(id);
  } else if (kind == rules::kTimerEnd) {
    end_campaign(id);
  } else {
    CLSIM_ASSERT(ctx_.hooks, false, "unknown rule timer kind " + kind);
  }
}

void RuleCampaigns::fund_campaign(const std::string& campaign) {
  const std::string busy = "fund:" + campaign;
  if (busy_.count(busy) || !ctx_.db) return;
  std::optional<RuleRow> row;
  try {
    row = load_rule(*ctx_.db, campaign);
  } catch (const StoreError&) {
    return;
  }
  if (!row || row->funded || row->state != "ACTIVE") {
    ctx_.run_tx([&](TxScope& s) {
      timers_.disarm(s, campaign, rules::kTimerFund);
      return std::string();
    });
    return;
  }
  const Payments::TxIdStore store = [this, campaign](TxScope& s, const TransactionId& tx) -> std::string {
    s.db.prepare("UPDATE rule_campaigns SET fund_tx_payer = ?, fund_tx_start_us = ? WHERE id = ? AND funded = 0")
        .bind(1, tx.payer)
        .bind(2, to_us(tx.valid_start))
        .bind(3, campaign)
        .run();
    timers_.arm(s, campaign, rules::kTimerFund, ctx_.clock.now() + ctx_.options.durations.resume_after);  // back if this engine stops
    return {};
  };
  // Every engine's fund timer fires: only the lease owner chooses an id (saga/payments.hpp).
  const std::string memo = payment_memo(campaign, "escrow");
  const bool recovering = row->fund_tx.set();
  const std::optional<TransactionId> id =
      recovering ? row->fund_tx.id() : payments_.save_tx_id(payments_.leased_store(memo, store), std::nullopt);
  if (!id) return;  // the timer comes back
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{*id,         ctx_.options.durations.tx_valid, LedgerOp::contract_create, row->owner,
                              rules::escrow(campaign), row->budget,           memo};
  spec.recovering = recovering;
  spec.label = campaign + ":fund";
  payments_.bind_lease(spec, store);
  spec.done = ctx_.guarded([this, campaign, busy](const LedgerOutcome& out) {
    busy_.erase(busy);
    if (!out.success && (is_transient(out.status) || out.status == LedgerStatus::UNKNOWN)) return;  // timer retries
    ctx_.run_tx([&](TxScope& s) {
      if (out.success) {
        s.db.prepare("UPDATE rule_campaigns SET funded = 1 WHERE id = ?").bind(1, campaign).run();
      } else {
        // The owner cannot fund it: the campaign ends unfunded and its matches go unpaid.
        s.db.prepare("UPDATE rule_campaigns SET state = 'ENDED' WHERE id = ?").bind(1, campaign).run();
      }
      timers_.disarm(s, campaign, rules::kTimerFund);
      s.fx.traces.emplace_back(out.success ? "rule_campaign_funded" : "rule_campaign_unfunded",
                               nlohmann::json{{"campaign", campaign}, {"reason", out.reason}});
      return std::string();
    });
  });
  busy_.insert(busy);
  LedgerCall::start(ctx_.env(), ctx_.ledger, std::move(spec));
}

void RuleCampaigns::end_campaign(const std::string& campaign) {
  if (!ctx_.db || busy_.count("refund:" + campaign)) return;
  std::optional<RuleRow> row;
  std::int64_t queued = 0;
  try {
    row = load_rule(*ctx_.db, campaign);
    auto& q = ctx_.db->prepare("SELECT COUNT(*) FROM customer_events e, rule_campaigns c WHERE c.id = ? AND "
                           "e.status = 'queued' AND e.intake_us >= c.start_us AND e.intake_us < c.end_us");
    q.bind(1, campaign);
    q.step();
    queued = q.int_at(0);
    q.reset();
  } catch (const StoreError&) {
    return;
  }
  if (!row) return;
  const auto now = ctx_.clock.now();
  auto recheck = [&](Duration d) {
    ctx_.run_tx([&](TxScope& s) {
      timers_.arm(s, campaign, rules::kTimerEnd, now + d);
      return std::string();
    });
  };
  if (row->state == "ACTIVE") {
    if (!row->funded) return recheck(ctx_.options.durations.resume_after);  // funding first; its timer is running
    // Events taken in before the end but not yet matched still count against this budget.
    if (queued > 0 && now < from_us(row->end_us) + ctx_.options.durations.rule_end_grace) return recheck(kEndRecheck);
    auto out = ctx_.run_tx([&](TxScope& s) {
      auto& q = s.db.prepare("SELECT COALESCE(SUM(reward), 0) FROM rule_matches WHERE campaign_id = ? AND status "
                             "IN ('pending', 'paid', 'failed')");
      q.bind(1, campaign);
      q.step();
      const std::int64_t used = q.int_at(0);
      q.reset();
      s.db.prepare("UPDATE rule_campaigns SET state = 'ENDED', refund_amount = ? WHERE id = ? AND state = 'ACTIVE'")
          .bind(1, row->budget.minor - used)
          .bind(2, campaign)
          .run();
      timers_.arm(s, campaign, rules::kTimerEnd, now + ctx_.options.durations.resume_after);
      s.fx.traces.emplace_back("rule_campaign_ended", nlohmann::json{{"campaign", campaign},
                                                                      {"reserved", used},
                                                                      {"refund", row->budget.minor - used}});
      return std::string();
    });
    if (!out.ok) return;
  }
  refund_campaign(campaign);
}

void RuleCampaigns::refund_campaign(const std::string& campaign) {
  const std::string busy = "refund:" + campaign;
  std::optional<RuleRow> row;
  try {
    row = load_rule(*ctx_.db, campaign);
  } catch (const StoreError&) {
    return;
  }
  if (!row || row->state != "ENDED") return;
  if (row->refunded || row->refund_amount.minor <= 0 || !row->funded) {
    ctx_.run_tx([&](TxScope& s) {
      timers_.disarm(s, campaign, rules::kTimerEnd);
      return std::string();
    });
    return;
  }
  const Payments::TxIdStore store = [campaign](TxScope& s, const TransactionId& tx) -> std::string {
    s.db.prepare("UPDATE rule_campaigns SET refund_tx_payer = ?, refund_tx_start_us = ? WHERE id = ? AND refunded = 0")
        .bind(1, tx.payer)
        .bind(2, to_us(tx.valid_start))
        .bind(3, campaign)
        .run();
    return {};
  };
  const std::string memo = payment_memo(campaign, "refund");
  const bool recovering = row->refund_tx.set();
  const std::optional<TransactionId> id =
      recovering ? row->refund_tx.id() : payments_.save_tx_id(payments_.leased_store(memo, store), std::nullopt);
  if (!id) return;
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{*id,        ctx_.options.durations.tx_valid, LedgerOp::transfer,
                              rules::escrow(campaign), row->owner,            row->refund_amount, memo};
  spec.recovering = recovering;
  spec.fresh_id_each_attempt = ctx_.options.mutations.pay_without_idempotent_id;
  spec.label = campaign + ":refund";
  payments_.bind_lease(spec, store);
  spec.done = ctx_.guarded([this, campaign, busy](const LedgerOutcome& out) {
    busy_.erase(busy);
    if (!out.success) return;  // the end timer (re-armed) tries again from the stored id
    ctx_.run_tx([&](TxScope& s) {
      s.db.prepare("UPDATE rule_campaigns SET refunded = 1 WHERE id = ?").bind(1, campaign).run();
      timers_.disarm(s, campaign, rules::kTimerEnd);
      s.fx.traces.emplace_back("rule_campaign_refunded", nlohmann::json{{"campaign", campaign}});
      return std::string();
    });
  });
  busy_.insert(busy);
  LedgerCall::start(ctx_.env(), ctx_.ledger, std::move(spec));
}

}  // namespace clsim::engine
