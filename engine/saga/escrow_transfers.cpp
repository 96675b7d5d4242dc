// Transfers out of a campaign's escrow back to its owner: the unused budget at
// close, the whole escrow after a failed publish, unclaimed rewards at expiry.
// One memo per purpose ("clsim:c-1:refund", "clsim:c-1:return") is the durable
// idempotency key; the chosen transaction id is stored before the first submit.
#include "engine/saga/publish_saga.hpp"

#include "engine/lifecycle/reward_repo.hpp"

namespace clsim::engine {

namespace {
bool is_refund(const std::string& s) { return s == step::kCloseRefund || s == step::kFailRefund; }
}  // namespace

void PublishSaga::transfer_step(const CampaignRow& row, const std::string& step_name) {
  const std::string campaign = row.id;
  const bool refund = is_refund(step_name);
  const Money amount = refund ? row.refund_amount : row.return_amount;
  const StoredTxId stored = refund ? row.refund_tx : row.return_tx;
  if (amount.minor <= 0) {
    transfer_done(campaign, step_name, LedgerOutcome{true, LedgerStatus::SUCCESS, {}, {}});
    return;
  }
  const bool fresh = ctx_.options.mutations.pay_without_idempotent_id;
  const bool recovering = stored.set();
  const std::string memo = payment_memo(campaign, refund ? "refund" : "return");
  const Payments::TxIdStore store = [this, campaign, step_name, refund](TxScope& s, const TransactionId& tx) -> std::string {
    auto r = load_campaign(s.db, campaign);
    if (!r || r->step != step_name) return "stale";
    (refund ? r->refund_tx : r->return_tx) = StoredTxId::of(tx);
    states_.persist(s, *r, false);
    return {};
  };
  // The id is stored before the first submit, so a restart asks about it, never guesses.
  // Several engines' resume timers fire: only the payment's owner may choose an id.
  const std::optional<TransactionId> id = recovering ? stored.id() : payments_.save_tx_id(payments_.leased_store(memo, store), std::nullopt);
  if (!id) {
    retry_step_later(campaign, step_name);
    return;
  }
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{*id,    ctx_.options.durations.tx_valid,
                              LedgerOp::transfer,
                              escrow_account(campaign),
                              row.owner,
                              amount, memo};
  spec.recovering = recovering;
  spec.fresh_id_each_attempt = fresh;
  spec.label = campaign + ":" + step_name;
  payments_.bind_lease(spec, store);
  spec.done = ctx_.guarded([this, campaign, step_name, refund](const LedgerOutcome& out) {
    if (out.success && refund) CLSIM_CRASH_POINT(ctx_.hooks, "after_refund");
    transfer_done(campaign, step_name, out);
  });
  LedgerCall::start(ctx_.env(), ctx_.ledger, std::move(spec));
}

void PublishSaga::transfer_done(const std::string& campaign, const std::string& step_name, const LedgerOutcome& out) {
  if (out.abandoned) {  // another engine owns the transfer; the resume timer checks back
    finish_step(campaign, step_name, false);
    return;
  }
  if (!out.success && out.id_failed) forget_dead_tx_id(campaign, step_name, out);
  if (!out.success) {
    // Money owed back is never given up on: the resume timer tries again later,
    // starting from the stored id (receipt, then memo lookup).
    ctx_.hooks.trace("transfer_failed", {{"campaign", campaign}, {"step", step_name}, {"reason", out.reason}});
    finish_step(campaign, step_name, false);
    return;
  }
  auto res = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto row = load_campaign(s.db, campaign);
    if (!row || row->step != step_name) return "stale";
    complete_transfer(s, *row, step_name);
    states_.persist(s, *row, true);
    return {};
  });
  if (res.store_error) {
    retry_step_later(campaign, step_name);
    return;
  }
  finish_step(campaign, step_name, true);
}

// The stored id can never execute: forget it, so the resume timer (the backoff)
// retries under a fresh id instead of re-reading the same failed receipt.
void PublishSaga::forget_dead_tx_id(const std::string& campaign, const std::string& step_name,
                                    const LedgerOutcome& out) {
  const bool refund = is_refund(step_name);
  ctx_.run_tx([&](TxScope& s) -> std::string {
    auto row = load_campaign(s.db, campaign);
    if (!row || row->step != step_name) return "stale";
    StoredTxId& tx = refund ? row->refund_tx : row->return_tx;
    if (!tx.set() || !(tx.id() == out.id)) return "stale";
    tx = StoredTxId{};
    states_.persist(s, *row, false);
    CLSIM_SOMETIMES(ctx_.hooks, "ledger_dead_tx_id_forgotten");
    return {};
  });
}

// The transfer executed: the state it was for, inside the caller's transaction.
void PublishSaga::complete_transfer(TxScope& s, CampaignRow& row, const std::string& step_name) {
  const auto now = ctx_.clock.now();
  row.step = "";
  timers_.disarm(s, row.id, timer_kind::kResume);
  if (step_name == step::kCloseRefund) {
    row.refunded = row.refund_amount;
    states_.move(s, row, CampaignState::REWARD_CLAIM, "rewards claimable");
    timers_.arm(s, row.id, timer_kind::kExpiry, from_us(row.expiry_us.value_or(to_us(now))));
    messaging_.emit(s, row.id, "campaign:close:v1:success", row.id + ":close:success");
    messaging_.emit(s, row.id, "campaign:refund:v1:success", row.id + ":refund:success",
         {{"amount", row.refunded.minor}});
    messaging_.inbox_record(s, row.id + ":close:1", "campaign:close:v1:requested");
  } else if (step_name == step::kFailRefund) {
    row.refunded = row.refund_amount;
    states_.move(s, row, CampaignState::FAILED, row.fail_reason.empty() ? "publish failed" : row.fail_reason);
    messaging_.emit(s, row.id, "campaign:publish:v1:failed", row.id + ":publish:failed", {{"reason", row.fail_reason}});
    messaging_.emit(s, row.id, "campaign:refund:v1:success", row.id + ":refund:success",
         {{"amount", row.refunded.minor}});
  } else {
    row.returned = row.return_amount;
    mark_returned(s.db, row.id, to_us(now));  // the lifecycle's rewards table
    states_.move(s, row, CampaignState::EXPIRED, "claim window over");
    messaging_.emit(s, row.id, "campaign:return:v1:success", row.id + ":return:success",
         {{"amount", row.returned.minor}});
  }
}

}  // namespace clsim::engine
