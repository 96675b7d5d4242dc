// Close (at close time: final poll, rewards, then the refund step) and expiry
// (at close + claim window: unclaimed rewards go back to the owner). Both start
// from a leased durable timer and commit their state change in one transaction.
#include "engine/domain/rewards.hpp"
#include "engine/lifecycle/lifecycle.hpp"
#include "engine/lifecycle/reward_repo.hpp"

namespace clsim::engine {

void Lifecycle::begin_close(const std::string& campaign, int attempt) {
  if (attempt == 0 && closing_.count(campaign)) return;
  std::optional<CampaignRow> row;
  try {
    row = load_campaign(*ctx_.db, campaign);
  } catch (const StoreError&) {
    ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, attempt + 1), "close_retry",
          [this, campaign, attempt] { begin_close(campaign, attempt + 1); });
    return;
  }
  if (!row || row->state != CampaignState::RUNNING) {
    closing_.erase(campaign);
    ctx_.run_tx([&](TxScope& s) {  // a stale close timer: the campaign has moved on
      timers_.disarm(s, campaign, timer_kind::kClose);
      return std::string();
    });
    return;
  }
  closing_.insert(campaign);
  if (!row->first_tweet_id) {
    finish_close(campaign);
    return;
  }
  // The final poll: engagements up to the close instant count.
  sync_engagements({PollTarget{campaign, *row->first_tweet_id, row->owner}}, [this, campaign, attempt](PollEnd e) {
    if (!e.ok && attempt + 1 < ctx_.options.retry.max_attempts) {
      Duration wait = e.rate_limited_until ? *e.rate_limited_until - ctx_.clock.now()
                                           : backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap,
                                                                 attempt + 1);
      if (wait.count() < 0) wait = Duration(0);
      ctx_.later(wait, "close_final_poll_retry:" + campaign, [this, campaign, attempt] { begin_close(campaign, attempt + 1); });
      return;
    }
    if (!e.ok) CLSIM_SOMETIMES(ctx_.hooks, "close_without_final_poll");
    finish_close(campaign);
  });
}

void Lifecycle::finish_close(const std::string& campaign) {
  std::vector<Engagement> engagements;
  std::optional<CampaignRow> row;
  try {
    row = load_campaign(*ctx_.db, campaign);
    auto& q = ctx_.db->prepare("SELECT user_id, kind FROM engagements WHERE campaign_id = ? ORDER BY user_id, kind");
    q.bind(1, campaign);
    while (q.step()) {
      if (auto k = engagement_kind_from(q.text_at(1))) engagements.push_back({q.text_at(0), *k});
    }
    q.reset();
  } catch (const StoreError&) {
    closing_.erase(campaign);
    ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, 2), "close_retry",
          [this, campaign] { begin_close(campaign, 1); });
    return;
  }
  if (!row || row->state != CampaignState::RUNNING) {
    closing_.erase(campaign);
    return;
  }
  const RewardPlan plan = compute_rewards(row->budget, row->rates, engagements);
  CLSIM_ASSERT(ctx_.hooks, plan.total + plan.refund == row->budget, "reward plan does not add up for " + campaign);
  CLSIM_CRASH_POINT(ctx_.hooks, "during_close");
  auto res = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto r = load_campaign(s.db, campaign);
    if (!r || r->state != CampaignState::RUNNING) return "stale";
    const auto now_us = to_us(ctx_.clock.now());
    states_.move(s, *r, CampaignState::CLOSED, "close time reached");
    for (const auto& share : plan.rewards) insert_claimable(s.db, campaign, share.user, share.amount, now_us);
    r->refund_amount = plan.refund;
    r->expiry_us = r->close_us.value_or(now_us) + to_us(r->claim_window);
    r->step = step::kCloseRefund;
    timers_.disarm(s, campaign, timer_kind::kClose);
    timers_.arm(s, campaign, timer_kind::kResume, ctx_.clock.now() + ctx_.options.durations.resume_after);
    messaging_.emit(s, campaign, "campaign:close:v1:requested", campaign + ":close:1",
         {{"rewards", plan.total.minor}, {"refund", plan.refund.minor}});
    states_.persist(s, *r, true);
    return {};
  });
  closing_.erase(campaign);
  if (res.store_error)
    ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, 2), "close_retry",
          [this, campaign] { begin_close(campaign, 1); });
}

void Lifecycle::begin_expiry(const std::string& campaign) {
  bool return_next = false;
  auto res = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto row = load_campaign(s.db, campaign);
    if (!row || row->state != CampaignState::REWARD_CLAIM) {
      timers_.disarm(s, campaign, timer_kind::kExpiry);
      return {};
    }
    // The return already began (another engine's expiry timer, or this engine's
    // commit that reported an error): its rewards are 'returning', not unclaimed, and
    // its resume timer drives it. Starting over would expire with nothing returned.
    if (row->step == step::kReturn) {
      CLSIM_SOMETIMES(ctx_.hooks, "expiry_found_return_begun");
      return {};
    }
    const RewardTally tally = tally_rewards(s.db, campaign);
    const std::int64_t claiming = tally.claiming, unclaimed = tally.unclaimed_minor;
    if (claiming > 0) {
      // A claim in flight ends claimed or back to claimable; wait for it, never both.
      CLSIM_SOMETIMES(ctx_.hooks, "expiry_waits_for_claim");
      timers_.arm(s, campaign, timer_kind::kExpiry, ctx_.clock.now() + ctx_.options.durations.expiry_recheck);
      return {};
    }
    mark_returning(s.db, campaign, to_us(ctx_.clock.now()));
    row->return_amount = Money(unclaimed);
    timers_.disarm(s, campaign, timer_kind::kExpiry);
    if (unclaimed == 0) {
      states_.move(s, *row, CampaignState::EXPIRED, "claim window over");
      states_.persist(s, *row, true);
      return {};
    }
    row->step = step::kReturn;
    timers_.arm(s, campaign, timer_kind::kResume, ctx_.clock.now() + ctx_.options.durations.resume_after);
    states_.persist(s, *row, false);
    return_next = true;
    return {};
  });
  if (res.store_error) {
    ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, 3), "expiry_retry",
          [this, campaign] { begin_expiry(campaign); });
    return;
  }
  if (return_next) saga_.run_step(campaign, step::kReturn, std::nullopt);
}

}  // namespace clsim::engine
