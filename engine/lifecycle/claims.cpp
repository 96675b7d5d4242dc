// Paying a claimed reward: escrow -> user, with the transaction id recorded when
// the claim was accepted, so a retry or a restart can never pay twice.
#include "engine/lifecycle/lifecycle.hpp"
#include "engine/lifecycle/reward_repo.hpp"

namespace clsim::engine {

void Lifecycle::run_claim(const std::string& campaign, const std::string& user, bool recovering) {
  const std::string key = campaign + "/claim:" + user;
  if (claims_.count(key)) return;
  std::string status;
  Money amount;
  StoredTxId stored;
  try {
    if (auto r = load_reward(*ctx_.db, campaign, user)) status = r->status, amount = r->amount, stored = r->tx;
  } catch (const StoreError&) {
    return;  // the claim timer comes back
  }
  if (status != "claiming" || !stored.set()) {
    ctx_.run_tx([&](TxScope& s) {
      timers_.disarm(s, campaign, timer_kind::kClaimPrefix + user);
      return std::string();
    });
    return;
  }
  claims_.insert(key);
  const std::string timer = timer_kind::kClaimPrefix + user;
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{stored.id(), ctx_.options.durations.tx_valid, LedgerOp::transfer, escrow_account(campaign), user,
                              amount,      payment_memo(campaign, "claim:" + user)};
  spec.recovering = recovering;
  spec.fresh_id_each_attempt = ctx_.options.mutations.pay_without_idempotent_id;
  spec.label = campaign + ":claim:" + user;
  // Only the engine owning the payment drives it: every engine's claim timer fires.
  payments_.bind_lease(spec, [campaign, user](TxScope& s, const TransactionId& tx) -> std::string {
    return save_claim_tx(s.db, campaign, user, tx) ? std::string() : std::string("stale");
  });
  spec.done = ctx_.guarded([this, campaign, user](const LedgerOutcome& out) {
    if (out.success) CLSIM_CRASH_POINT(ctx_.hooks, "after_claim_transfer");
    claim_done(campaign, user, out);
  });
  LedgerCall::start(ctx_.env(), ctx_.ledger, std::move(spec));
}

void Lifecycle::claim_done(const std::string& campaign, const std::string& user, const LedgerOutcome& out) {
  const std::string key = campaign + "/claim:" + user;
  if (out.abandoned) {  // another engine owns this payment; the claim timer checks back
    CLSIM_SOMETIMES(ctx_.hooks, "claim_payment_owned_elsewhere");
    claims_.erase(key);
    return;
  }
  auto res = ctx_.run_tx([&](TxScope& s) -> std::string {
    const std::optional<RewardRow> reward = load_reward(s.db, campaign, user);
    const std::string status = reward ? reward->status : std::string();
    const std::int64_t amount = reward ? reward->amount.minor : 0;
    if (status != "claiming") return "stale";
    const auto now_us = to_us(ctx_.clock.now());
    timers_.disarm(s, campaign, timer_kind::kClaimPrefix + user);
    if (out.success) {
      mark_claimed(s.db, campaign, user, out.id, now_us);
      add_claimed(s.db, campaign, Money(amount));
      messaging_.emit(s, campaign, "campaign:claim:v1:success", campaign + ":claim:" + user, {{"user_id", user}, {"amount", amount}});
      s.fx.traces.emplace_back("claim_paid", nlohmann::json{{"campaign", campaign}, {"user", user}, {"amount", amount}});
    } else {
      // Nothing was paid (the ledger said so for certain): the reward can be claimed again.
      mark_claimable_again(s.db, campaign, user, now_us);
      s.fx.traces.emplace_back("claim_failed", nlohmann::json{{"campaign", campaign}, {"user", user},
                                                              {"reason", out.reason}});
    }
    return {};
  });
  claims_.erase(key);
  (void)res;  // on a store error the claim timer resumes from the stored id
}

}  // namespace clsim::engine
