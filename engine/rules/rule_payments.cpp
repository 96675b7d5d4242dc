// Paying a customer event's matches one by one from each campaign's escrow, with
// an idempotent, durably stored transaction id under the payment lease; the event
// is settled when none is left to pay. Events taken together store their ids in
// one transaction, and payments answered together are recorded (and their events
// settled) in one.
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

// Throws StoreError. The first by campaign id is chosen here: ORDER BY ... LIMIT 1
// sorted the event's few matches in a temporary b-tree, built and dropped at
// every call (the matches' index is by event id alone).
std::optional<RuleCampaigns::PendingMatch> next_pending(SqliteDb& db, const std::string& event_id) {
  auto& q = db.prepare(
      "SELECT m.campaign_id, m.user_id, m.reward, m.trace_id, m.tx_payer, m.tx_start_us, c.funded, c.state "
      "FROM rule_matches m JOIN rule_campaigns c ON c.id = m.campaign_id "
      "WHERE m.event_id = ? AND m.status = 'pending'");
  q.bind(1, event_id);
  std::optional<RuleCampaigns::PendingMatch> m;
  while (q.step()) {
    if (m && q.text_view(0) >= std::string_view(m->campaign)) continue;
    m = RuleCampaigns::PendingMatch{q.text_at(0), q.text_at(1), q.text_at(3), q.text_at(7), Money(q.int_at(2)),
                                    StoredTxId{q.opt_text(4), q.opt_int(5)}, q.int_at(6) != 0};
  }
  q.reset();
  return m;
}
}  // namespace

void add_reserved(SqliteDb& db, const std::string& campaign, std::int64_t delta) {
  db.prepare("UPDATE rule_campaigns SET reserved = reserved + ? WHERE id = ?").bind(1, delta).bind(2, campaign).run();
}

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

// Events taken together pay together: one transaction settles those with nothing
// to pay and stores every new id (each under its payment's lease), then the
// ledger calls start. An unfunded match or a stored id goes the one-event way.
void RuleCampaigns::pay_events(const std::vector<std::string>& event_ids) {
  if (!ctx_.db) return;
  struct Fresh {
    std::string event_id;
    std::optional<PendingMatch> match;  // none: nothing left to pay, settle
    std::optional<TransactionId> id;
    bool elsewhere = false;
  };
  std::vector<Fresh> batch;
  for (const auto& event_id : event_ids) {
    if (busy_.count(rules::event_key(event_id))) continue;
    std::optional<PendingMatch> m;
    try {
      m = next_pending(*ctx_.db, event_id);
    } catch (const StoreError&) {
      continue;  // the event's resume timer comes back
    }
    if (m && !m->funded) {
      unfunded_match(event_id, *m);
      continue;
    }
    if (m && m->stored.set()) {
      call_ledger(event_id, *m, m->stored.id(), true);
      continue;
    }
    batch.push_back(Fresh{event_id, std::move(m), std::nullopt, false});
  }
  if (batch.empty()) return;
  auto out = ctx_.run_tx([&](TxScope& s) {
    for (auto& f : batch) {
      if (!f.match) {
        settle_in(s, f.event_id);
        continue;
      }
      if (!payments_.take_lease(s, rules::match_memo(f.match->campaign, f.event_id))) {
        f.elsewhere = true;  // another engine pays it: no failed attempt; the resume timer checks back
        continue;
      }
      const TransactionId id = payments_.allocate_tx_id(s.db);
      if (store_match_tx_id(s, f.match->campaign, f.event_id, id).empty()) f.id = id;
    }
    return std::string();
  });
  for (const auto& f : batch) {
    if (!f.match || f.elsewhere) continue;
    if (!out.ok || !f.id) {
      event_failed(f.event_id, "store: could not record the transaction id");
      continue;
    }
    call_ledger(f.event_id, *f.match, *f.id, false);
  }
}

void RuleCampaigns::settle_event(const std::string& event_id) {
  ctx_.run_tx([&](TxScope& s) {
    settle_in(s, event_id);
    return std::string();
  });
}

void RuleCampaigns::settle_in(TxScope& s, const std::string& event_id) {
  s.db.prepare("UPDATE customer_events SET status = 'done', updated_us = ? WHERE event_id = ? AND status = "
               "'matching'")
      .bind(1, to_us(ctx_.clock.now()))
      .bind(2, event_id)
      .run();
  timers_.disarm(s, rules::event_key(event_id), rules::kTimerEvent);
  s.fx.traces.emplace_back("customer_event_settled", nlohmann::json{{"event_id", event_id}});
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
    if (s.db.changes() > 0) add_reserved(s.db, m.campaign, -m.reward.minor);
    return std::string();
  });
  if (res.ok) pay_next(event_id);
}

// The match's id: the stored one when resuming, else a new one chosen under the
// payment's lease (every engine's event timer fires: only the lease owner chooses
// an id, else one engine's fresh id executes next to another's in-flight one).
void RuleCampaigns::pay_match(const std::string& event_id, const PendingMatch& m) {
  if (m.stored.set()) return call_ledger(event_id, m, m.stored.id(), true);
  const std::string memo = rules::match_memo(m.campaign, event_id);
  bool owned_elsewhere = false;
  const Payments::TxIdStore first_store = [&](TxScope& s, const TransactionId& tx) -> std::string {
    if (!payments_.take_lease(s, memo)) return owned_elsewhere = true, "lease_lost";
    return store_match_tx_id(s, m.campaign, event_id, tx);
  };
  const std::optional<TransactionId> id = payments_.save_tx_id(first_store, std::nullopt);
  if (!id) {
    // Another engine pays it: no failed attempt; the event's resume timer checks back.
    if (!owned_elsewhere) event_failed(event_id, "store: could not record the transaction id");
    return;
  }
  call_ledger(event_id, m, *id, false);
}

std::string RuleCampaigns::store_match_tx_id(TxScope& s, const std::string& campaign, const std::string& event_id,
                                             const TransactionId& tx) {
  s.db.prepare("UPDATE rule_matches SET tx_payer = ?, tx_start_us = ? WHERE campaign_id = ? AND event_id = ? AND "
               "status = 'pending'")
      .bind(1, tx.payer)
      .bind(2, to_us(tx.valid_start))
      .bind(3, campaign)
      .bind(4, event_id)
      .run();
  return s.db.changes() > 0 ? std::string() : std::string("stale");
}

void RuleCampaigns::call_ledger(const std::string& event_id, const PendingMatch& m, const TransactionId& id,
                                bool recovering) {
  const std::string key = rules::event_key(event_id), campaign = m.campaign;
  const Payments::TxIdStore store = [this, campaign, event_id](TxScope& s, const TransactionId& tx) {
    return store_match_tx_id(s, campaign, event_id, tx);
  };
  LedgerCallSpec spec;
  spec.tx = LedgerTransaction{id, ctx_.options.durations.tx_valid, LedgerOp::transfer, rules::escrow(campaign),
                              m.user, m.reward, rules::match_memo(campaign, event_id)};
  spec.recovering = recovering;
  spec.fresh_id_each_attempt = ctx_.options.mutations.pay_without_idempotent_id;
  spec.label = campaign + ":match:" + event_id;
  payments_.bind_lease(spec, store);
  // A paid match gives its lease up in the commit that records it (record_paid):
  // one commit fewer, and no moment when the lease is free and the match looks unpaid.
  std::function<void()> release_after_failure = std::move(spec.release);
  spec.release = nullptr;
  spec.done = ctx_.guarded([this, key, m, event_id, release_after_failure](const LedgerOutcome& out) {
    if (out.abandoned) {  // owned by another engine; the resume timer checks back
      busy_.erase(key);
      CLSIM_SOMETIMES(ctx_.hooks, "match_payment_owned_elsewhere");
      return;
    }
    if (!out.success) {
      busy_.erase(key);
      if (release_after_failure) release_after_failure();
      event_failed(event_id, out.reason);
      return;
    }
    // Still busy until recorded: the resume timer must not start a second call.
    paid_.push_back(Paid{event_id, m.campaign, m.user, m.trace_id, m.reward, out.id});
    if (paid_.size() == 1) ctx_.later(ctx_.options.rule_batch_window, "rule_record_paid", [this] { record_paid(); });
  });
  // One attempt is one ledger call that settles (memo lookup included) before
  // giving up; the event's own policy spaces attempts out.
  CallEnv call_env = ctx_.env();
  call_env.retry.max_attempts = 2;
  busy_.insert(key);
  // Ids chosen together start microseconds apart (unique per payer); one sent
  // before its valid start would be refused (INVALID_TRANSACTION_START) and cost a new id.
  const Duration early = id.valid_start - ctx_.clock.now();
  if (early > Duration(0)) {
    ctx_.later(early, "rule_wait_valid_start", [this, call_env, spec = std::make_shared<LedgerCallSpec>(std::move(spec))] {
      LedgerCall::start(call_env, ctx_.ledger, std::move(*spec));
    });
    return;
  }
  LedgerCall::start(call_env, ctx_.ledger, std::move(spec));
}

// Payments answered within rule_batch_window of the first are recorded in one
// transaction; an event whose last match this was is settled in it too.
void RuleCampaigns::record_paid() {
  std::vector<Paid> batch;
  batch.swap(paid_);
  std::vector<char> more(batch.size(), 0);
  auto res = ctx_.run_tx([&](TxScope& s) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Paid& p = batch[i];
      payments_.release_lease(s, rules::match_memo(p.campaign, p.event_id));
      s.db.prepare("UPDATE rule_matches SET status = 'paid', tx_payer = ?, tx_start_us = ? WHERE campaign_id = ? "
                   "AND event_id = ? AND status = 'pending'")
          .bind(1, p.tx.payer)
          .bind(2, to_us(p.tx.valid_start))
          .bind(3, p.campaign)
          .bind(4, p.event_id)
          .run();
      s.fx.traces.emplace_back("rule_payment", nlohmann::json{{"campaign", p.campaign},
                                                              {"event_id", p.event_id},
                                                              {"trace_id", p.trace_id},
                                                              {"user", p.user},
                                                              {"amount", p.reward.minor},
                                                              {"tx", p.tx.to_string()}});
      auto& q = s.db.prepare("SELECT 1 FROM rule_matches WHERE event_id = ? AND status = 'pending' LIMIT 1");
      q.bind(1, p.event_id);
      more[i] = q.step();
      q.reset();
      if (!more[i]) settle_in(s, p.event_id);
    }
    return std::string();
  });
  for (const auto& p : batch) busy_.erase(rules::event_key(p.event_id));
  if (!res.ok) return;  // the resume timers ask the ledger again
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (more[i]) pay_next(batch[i].event_id);
}

}  // namespace clsim::engine
