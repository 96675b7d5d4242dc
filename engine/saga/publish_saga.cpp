// The publish saga and the escrow transfers that end a campaign's money story:
// first tweet -> contract (escrow) -> second tweet -> RUNNING, refunds and returns.
// Each step starts from the durable progress on the campaign row, so a step run
// twice (duplicate message, resume timer, restart) repeats no outside effect.
#include "engine/domain/validation.hpp"
#include "engine/saga/publish_saga.hpp"

namespace clsim::engine {

namespace {
std::string key_of(const std::string& campaign, const std::string& step) { return campaign + "/" + step; }
std::string requested_type(const std::string& step) { return "campaign:" + step + ":v1:requested"; }
std::string step_event(const std::string& campaign, const std::string& step) { return campaign + ":" + step + ":1"; }
}  // namespace

void PublishSaga::run_step(const std::string& campaign, const std::string& step_name,
                          std::optional<std::string> entry) {
  const std::string key = key_of(campaign, step_name);
  if (auto it = inflight_.find(key); it != inflight_.end()) {
    // Already being worked on here: the entry is acked when that run commits.
    if (entry) it->second.push_back(*entry);
    CLSIM_SOMETIMES(ctx_.hooks, "step_already_in_flight");
    return;
  }
  std::optional<CampaignRow> row;
  try {
    row = load_campaign(*ctx_.db, campaign);
  } catch (const StoreError&) {
    return;  // the resume timer comes back; the entry stays pending
  }
  if (!row || row->step != step_name) {
    if (entry) messaging_.ack(*entry);  // finished earlier, or not ours to run
    return;
  }
  inflight_[key] = entry ? std::vector<std::string>{*entry} : std::vector<std::string>{};
  if (step_name == step::kFirstTweet) {
    tweet_step(*row, 1);
  } else if (step_name == step::kSecondTweet) {
    tweet_step(*row, 2);
  } else if (step_name == step::kContract) {
    contract_step(*row);
  } else if (step_name == step::kCloseRefund || step_name == step::kFailRefund || step_name == step::kReturn) {
    transfer_step(*row, step_name);
  } else {
    CLSIM_ASSERT(ctx_.hooks, false, "unknown saga step " + step_name + " of " + campaign);
  }
}

void PublishSaga::finish_step(const std::string& campaign, const std::string& step_name, bool ack_waiting) {
  auto it = inflight_.find(key_of(campaign, step_name));
  if (it == inflight_.end()) return;
  auto entries = std::move(it->second);
  inflight_.erase(it);
  if (ack_waiting)
    for (const auto& e : entries) messaging_.ack(e);
}

void PublishSaga::retry_step_later(const std::string& campaign, const std::string& step_name) {
  finish_step(campaign, step_name, false);
  ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, 4) + Duration(1000),
        "step_retry:" + step_name + ":" + campaign,
        [this, campaign, step_name] { run_step(campaign, step_name, std::nullopt); });
}

void PublishSaga::tweet_step(const CampaignRow& row, int n) {
  const bool first = n == 1;
  const auto& existing = first ? row.first_tweet_id : row.second_tweet_id;
  if (existing) {  // posted and recorded; only the rest of the commit is missing
    tweet_done(row.id, n, TweetOutcome{true, *existing, {}});
    return;
  }
  CLSIM_ASSERT(ctx_.hooks, first || row.first_tweet_id, "second tweet of " + row.id + " without a first");
  const std::string marker = "[" + row.id + "/" + std::to_string(n) + "]";
  // The thread's second tweet must differ from the first, or X refuses it as a duplicate.
  const std::string text =
      first ? tweet_text_with_marker(row.text, marker)
            : tweet_text_with_marker(row.text.empty() ? "Reward details" : "Reward details for " +
                                                                               utf8_prefix(row.text, 120) + "...",
                                     marker);
  const std::string step_name = first ? step::kFirstTweet : step::kSecondTweet;
  const std::string campaign = row.id;
  TweetCallSpec spec;
  spec.account = row.owner;
  spec.text = text;
  spec.marker = marker;
  if (!first) spec.in_reply_to = row.first_tweet_id;
  spec.prior_attempts = first ? row.first_tweet_attempts : row.second_tweet_attempts;
  spec.skip_duplicate_check = ctx_.options.mutations.skip_duplicate_tweet_check;
  spec.before_point = first ? "before_first_tweet" : "";
  spec.after_point = first ? "after_first_tweet" : "after_second_tweet";
  spec.label = campaign + ":" + step_name;
  // Every engine's resume timer fires and bus entries come twice: only the lease
  // holder searches and posts. Released when tweet_done commits the outcome.
  spec.hold = leases_.hold(tweet_lease_key(campaign, n), ctx_.options.durations.tweet_lease);
  spec.persist_attempts = [this, campaign, first, step_name](std::int64_t attempts) {
    return ctx_.run_tx([&](TxScope& s) -> std::string {
             auto r = load_campaign(s.db, campaign);
             if (!r || r->step != step_name) return "stale";
             (first ? r->first_tweet_attempts : r->second_tweet_attempts) = attempts;
             states_.persist(s, *r, false);
             return {};
           })
        .ok;
  };
  spec.done = ctx_.guarded([this, campaign, n](const TweetOutcome& out) { tweet_done(campaign, n, out); });
  TweetCall::start(ctx_.env(), ctx_.social, std::move(spec));
}

void PublishSaga::tweet_done(const std::string& campaign, int n, const TweetOutcome& out) {
  const std::string step_name = n == 1 ? step::kFirstTweet : step::kSecondTweet;
  if (out.abandoned) {  // another engine holds the step's lease; the resume timer checks back
    finish_step(campaign, step_name, false);
    return;
  }
  bool refund_next = false;
  auto res = ctx_.run_tx([&](TxScope& s) -> std::string {
    // The lease ends in the commit that records the outcome: no moment when the
    // lease is free and the step still looks unposted.
    leases_.release(s.db, tweet_lease_key(campaign, n));
    auto row = load_campaign(s.db, campaign);
    if (!row || row->step != step_name) return {};  // finished elsewhere: only the lease goes
    const std::string inbox_id = step_event(campaign, step_name);
    if (!out.success) {
      if (n == 1) {
        fail_publish(s, *row, out.reason, inbox_id);
        return {};
      }
      // The budget is in escrow: give it back before the campaign is FAILED.
      row->step = step::kFailRefund;
      row->fail_reason = out.reason;
      row->refund_amount = row->escrowed;
      timers_.arm(s, campaign, timer_kind::kResume, ctx_.clock.now() + ctx_.options.durations.resume_after);
      messaging_.inbox_record(s, inbox_id, requested_type(step_name));
      states_.persist(s, *row, false);
      refund_next = true;
      return {};
    }
    if (n == 1) {
      row->first_tweet_id = out.tweet_id;
      row->step = step::kContract;
      messaging_.emit(s, campaign, requested_type(step::kContract), step_event(campaign, step::kContract),
           {{"tweet_id", out.tweet_id}});
      timers_.arm(s, campaign, timer_kind::kResume, ctx_.clock.now() + ctx_.options.durations.resume_after);
    } else {
      row->second_tweet_id = out.tweet_id;
      row->step = "";
      row->start_us = to_us(ctx_.clock.now());
      row->close_us = to_us(ctx_.clock.now() + row->duration);
      states_.move(s, *row, CampaignState::RUNNING, "published");
      timers_.disarm(s, campaign, timer_kind::kResume);
      timers_.arm(s, campaign, timer_kind::kClose, from_us(*row->close_us));
      timers_.arm_if_absent(s, kPollTimerCampaign, timer_kind::kPoll, ctx_.clock.now() + ctx_.options.poll_interval);
    }
    messaging_.inbox_record(s, inbox_id, requested_type(step_name));
    states_.persist(s, *row, n == 2);
    return {};
  });
  if (res.store_error) {
    retry_step_later(campaign, step_name);
    return;
  }
  finish_step(campaign, step_name, true);
  if (refund_next) run_step(campaign, step::kFailRefund, std::nullopt);
}

void PublishSaga::fail_publish(TxScope& s, CampaignRow& row, const std::string& reason, const std::string& inbox_event) {
  row.step = "";
  row.fail_reason = reason;
  states_.move(s, row, CampaignState::FAILED, reason);
  timers_.disarm(s, row.id, timer_kind::kResume);
  messaging_.emit(s, row.id, "campaign:publish:v1:failed", row.id + ":publish:failed", {{"reason", reason}});
  if (!inbox_event.empty()) messaging_.inbox_record(s, inbox_event, "saga");
  states_.persist(s, row, true);
}

void PublishSaga::contract_step(const CampaignRow& row) {
  const std::string campaign = row.id;
  if (row.contract_done) {
    contract_done(campaign, LedgerOutcome{true, LedgerStatus::SUCCESS, {}, row.contract_tx.id()});
    return;
  }
  const bool recovering = row.contract_tx.set();
  const Payments::TxIdStore store = [this, campaign](TxScope& s, const TransactionId& tx) -> std::string {
    auto r = load_campaign(s.db, campaign);
    if (!r || r->step != step::kContract) return "stale";
    r->contract_tx = StoredTxId::of(tx);
    states_.persist(s, *r, false);
    return {};
  };
  // The id is stored before the first submit, so a restart asks about it, never guesses.
  // Several engines' resume timers fire: only the registration's owner may choose an
  // id, else one engine's fresh id executes next to another's in-flight one.
  const std::string memo = payment_memo(campaign, "escrow");
  const std::optional<TransactionId> id =
      recovering ? row.contract_tx.id() : payments_.save_tx_id(payments_.leased_store(memo, store), std::nullopt);
  if (!id) {
    retry_step_later(campaign, step::kContract);
    return;
  }
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{*id,          ctx_.options.durations.tx_valid, LedgerOp::contract_create, row.owner,
                              escrow_account(campaign), row.budget, memo};
  spec.recovering = recovering;
  spec.label = campaign + ":contract";
  payments_.bind_lease(spec, store);
  spec.done = ctx_.guarded([this, campaign](const LedgerOutcome& out) {
    if (out.success) CLSIM_CRASH_POINT(ctx_.hooks, "after_contract");
    contract_done(campaign, out);
  });
  LedgerCall::start(ctx_.env(), ctx_.ledger, std::move(spec));
}

void PublishSaga::contract_done(const std::string& campaign, const LedgerOutcome& out) {
  if (out.abandoned) {  // another engine owns the registration; the resume timer checks back
    CLSIM_SOMETIMES(ctx_.hooks, "contract_owned_elsewhere");
    finish_step(campaign, step::kContract, false);
    return;
  }
  auto res = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto row = load_campaign(s.db, campaign);
    if (!row || row->step != step::kContract) return "stale";
    const std::string inbox_id = step_event(campaign, step::kContract);
    if (!out.success) {
      fail_publish(s, *row, out.reason, inbox_id);
      return {};
    }
    row->contract_done = true;
    row->contract_tx = StoredTxId::of(out.id);
    row->escrowed = row->budget;
    row->step = step::kSecondTweet;
    messaging_.emit(s, campaign, requested_type(step::kSecondTweet), step_event(campaign, step::kSecondTweet),
         {{"contract_tx", out.id.to_string()}});
    timers_.arm(s, campaign, timer_kind::kResume, ctx_.clock.now() + ctx_.options.durations.resume_after);
    messaging_.inbox_record(s, inbox_id, requested_type(step::kContract));
    states_.persist(s, *row, false);
    return {};
  });
  if (res.store_error) {
    retry_step_later(campaign, step::kContract);
    return;
  }
  finish_step(campaign, step::kContract, true);
}

void PublishSaga::redo_contract_unguarded(const std::string& campaign) {
  std::optional<CampaignRow> row;
  try {
    row = load_campaign(*ctx_.db, campaign);
  } catch (const StoreError&) {
    return;
  }
  if (!row || !row->contract_done) return;
  CLSIM_SOMETIMES(ctx_.hooks, "mutation_skip_inbox_dedup_redo");
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{TransactionId{},       ctx_.options.durations.tx_valid, LedgerOp::contract_create, row->owner,
                              escrow_account(campaign), row->budget, payment_memo(campaign, "escrow")};
  spec.fresh_id_each_attempt = true;
  spec.label = campaign + ":contract_redo";
  payments_.bind_tx_id_store(spec, {});
  spec.done = ctx_.guarded([this, campaign](const LedgerOutcome& out) {
    ctx_.hooks.trace("mutation_contract_redo", {{"campaign", campaign}, {"success", out.success}});
  });
  LedgerCall::start(ctx_.env(), ctx_.ledger, std::move(spec));
}

}  // namespace clsim::engine
