// Durable timers (durable_timers.hpp): arming inside a transaction, the sweep
// and its mirror of the table, and taking a fired row.
#include "engine/timers/durable_timers.hpp"

#include "engine/names.hpp"

namespace clsim::engine {

namespace {
// Every 10th sweep reads every row, which also forgets timers other engines deleted.
constexpr std::uint64_t kFullTimerSweepEvery = 10;

bool is_resume_kind(const std::string& kind) {
  return kind == timer_kind::kResume || kind.rfind(timer_kind::kClaimPrefix, 0) == 0;
}

// Polling never keeps a world busy on its own; every other timer is pending work.
TimerKind clock_kind(const std::string& kind) {
  return kind == timer_kind::kPoll ? TimerKind::background : TimerKind::foreground;
}

// The change number moves once a transaction: a sweep reads the rows numbered
// above the last number it saw, and the rows one commit arms are new to it
// together (a move per row was a statement per rule event).
void move_changes(TxScope& s) {
  if (s.timer_changes_moved) return;
  s.db.prepare("UPDATE timer_changes SET n = n + 1").run();
  s.timer_changes_moved = true;
}
}  // namespace

void DurableTimers::arm(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due) {
  move_changes(s);
  s.db.prepare("INSERT INTO timers (campaign_id, kind, due_us, changed) VALUES (?, ?, ?, (SELECT n FROM timer_changes)) "
               "ON CONFLICT(campaign_id, kind) DO UPDATE SET due_us = excluded.due_us, lease_owner = '', "
               "lease_until_us = 0, changed = excluded.changed")
      .bind(1, campaign)
      .bind(2, kind)
      .bind(3, to_us(due))
      .run();
  s.fx.armed.emplace_back(campaign, kind, to_us(due));
}

void DurableTimers::arm_if_absent(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due) {
  move_changes(s);
  s.db.prepare("INSERT OR IGNORE INTO timers (campaign_id, kind, due_us, changed) VALUES (?, ?, ?, "
               "(SELECT n FROM timer_changes))")
      .bind(1, campaign)
      .bind(2, kind)
      .bind(3, to_us(due))
      .run();
  if (s.db.changes() > 0) s.fx.armed.emplace_back(campaign, kind, to_us(due));
}

void DurableTimers::disarm(TxScope& s, const std::string& campaign, const std::string& kind) {
  s.db.prepare("DELETE FROM timers WHERE campaign_id = ? AND kind = ?").bind(1, campaign).bind(2, kind).run();
  s.fx.disarmed.emplace_back(campaign, kind);
}

// A sweep schedules every timer row, in (due, campaign, kind) order: rows another
// engine armed, and rows whose firing this engine dropped (its work failed after
// the lease). It reads only the rows armed since the last sweep into a mirror of
// the table that this engine's own commits keep current; every 10th sweep (and
// the first) reads them all, which also forgets rows other engines deleted and
// finds rows a lost write took back. Re-reading every row every 30 seconds was 42%
// of a 1,000-campaign week. A mirrored row already has a wait at its due time
// (from a commit or an earlier sweep) unless the sweep just read it at another due
// or its wait fired, so only those rows are scheduled, still in (due, campaign,
// kind) order: the same waits in the same order as scheduling every row, without
// lookups and copies per row per sweep (another 15% of the week).
void DurableTimers::sweep(bool at_start) {
  if (!ctx_.db) return;
  const bool full = at_start || ++sweeps_ % kFullTimerSweepEvery == 0;
  std::vector<std::tuple<std::string, std::string, std::int64_t>> rows;  // new to the mirror, or at a new due
  std::vector<decltype(rows_)::iterator> unchanged;                       // mirrored at the due just read
  std::int64_t seen = seen_;
  try {
    // A full sweep scans the table: through the `changed` index every row cost a
    // lookup in the table as well.
    auto& q = full ? ctx_.db->prepare("SELECT campaign_id, kind, due_us, changed FROM timers")
                   : ctx_.db->prepare("SELECT campaign_id, kind, due_us, changed FROM timers WHERE changed > ?");
    if (!full) q.bind(1, seen_);
    while (q.step()) {
      const std::string_view campaign = q.text_view(0), kind = q.text_view(1);
      const std::int64_t due_us = q.int_at(2);
      seen = std::max(seen, q.int_at(3));
      // Nothing changes until every row is read: a failed read leaves the mirror
      // as it was.
      if (!at_start) {
        const auto it = rows_.find(KeyView{campaign, kind});
        if (it != rows_.end() && it->second.due_us == due_us) {
          unchanged.push_back(it);
          continue;
        }
      }
      rows.emplace_back(std::string(campaign), std::string(kind), due_us);
    }
    q.reset();
  } catch (const StoreError& e) {
    ctx_.trace_store_error(e.message);
    return;  // the next sweep tries again
  }
  seen_ = seen;
  if (full) ++full_sweeps_;
  for (const auto it : unchanged) it->second.full_sweep = full_sweeps_;  // before any insert can rehash
  std::set<std::tuple<std::int64_t, std::string, std::string>> due;
  for (auto& [campaign, kind, due_us] : rows) {
    if (at_start) loaded_at_start_.emplace(campaign, kind);
    auto [it, added] =
        rows_.try_emplace(std::make_pair(std::move(campaign), std::move(kind)), Mirrored{due_us, full_sweeps_});
    it->second.full_sweep = full_sweeps_;
    if (added || it->second.due_us != due_us) {
      it->second.due_us = due_us;
      due.emplace(due_us, it->first.first, it->first.second);
    }
  }
  if (full) std::erase_if(rows_, [&](const auto& r) { return r.second.full_sweep != full_sweeps_; });
  for (const auto& key : fired_)
    if (auto it = rows_.find(key); it != rows_.end()) due.emplace(it->second.due_us, key.first, key.second);
  fired_.clear();
  for (const auto& [due_us, campaign, kind] : due) schedule(campaign, kind, due_us);
}

void DurableTimers::mirror(const std::string& campaign, const std::string& kind, std::optional<std::int64_t> due_us) {
  if (!due_us) {
    rows_.erase({campaign, kind});
    return;
  }
  auto [it, added] = rows_.try_emplace(std::make_pair(campaign, kind), Mirrored{*due_us, full_sweeps_});
  it->second.due_us = *due_us;
}

void DurableTimers::schedule(const std::string& campaign, const std::string& kind, std::int64_t due_us) {
  const auto key = std::make_pair(campaign, kind);
  auto it = scheduled_.find(key);
  if (it != scheduled_.end()) {
    if (it->second.due_us == due_us) return;
    ctx_.clock.cancel(it->second.clock_id);
    scheduled_.erase(it);
  }
  const Duration delay = std::max(Duration(0), from_us(due_us) - ctx_.clock.now());
  const TimerId id = ctx_.clock.start_wait(delay, clock_kind(kind), "timer:" + kind + ":" + campaign,
                                       ctx_.guarded([this, campaign, kind, due_us](boost::system::error_code ec) {
                                         if (!ec) on_timer(campaign, kind, due_us);
                                       }));
  scheduled_[key] = Scheduled{id, due_us};
}

void DurableTimers::unschedule(const std::string& campaign, const std::string& kind) {
  auto it = scheduled_.find({campaign, kind});
  if (it == scheduled_.end()) return;
  ctx_.clock.cancel(it->second.clock_id);
  scheduled_.erase(it);
}

DurableTimers::~DurableTimers() {
  for (auto& [key, s] : scheduled_) ctx_.clock.cancel(s.clock_id);
}

void DurableTimers::committed(const TxEffects& fx) {
  for (const auto& [campaign, kind] : fx.disarmed) {
    unschedule(campaign, kind);
    mirror(campaign, kind, std::nullopt);
  }
  for (const auto& [campaign, kind, due_us] : fx.armed) {
    schedule(campaign, kind, due_us);
    mirror(campaign, kind, due_us);
  }
}

void DurableTimers::on_timer(const std::string& campaign, const std::string& kind, std::int64_t due_us) {
  const auto key = std::make_pair(campaign, kind);
  if (auto it = scheduled_.find(key); it != scheduled_.end() && it->second.due_us == due_us) {
    scheduled_.erase(it);
    fired_.insert(key);
  }
  std::optional<std::int64_t> moved_to;
  const TxOutcome out = take(campaign, kind, due_us, moved_to);
  if (!out.ok) return retry_take(campaign, kind, due_us, out, moved_to);
  const Duration lag = ctx_.clock.now() - from_us(due_us);
  CLSIM_ASSERT(ctx_.hooks, lag.count() >= 0, "timer " + kind + ":" + campaign + " fired before it was due");
  if (lag > lag_max_) lag_max_ = lag;
  if (lag.count() > 0 && loaded_at_start_.count(key)) CLSIM_SOMETIMES(ctx_.hooks, "timer_fired_late");
  loaded_at_start_.erase(key);
  ctx_.hooks.trace("timer_fired", {{"engine", ctx_.options.name}, {"campaign", campaign}, {"kind", kind},
                                   {"lag_us", to_us(lag)}});
  dispatch_(campaign, kind);
}

// The row must still be due at `due_us` and not leased by another engine. A
// resume-style timer re-arms itself (it fires again if its step stalls); any
// other is leased to this engine while its work runs.
TxOutcome DurableTimers::take(const std::string& campaign, const std::string& kind, std::int64_t due_us,
                              std::optional<std::int64_t>& moved_to) {
  const std::int64_t now_us = to_us(ctx_.clock.now());
  return ctx_.run_tx([&](TxScope& s) -> std::string {
    auto& q = s.db.prepare("SELECT due_us, lease_owner, lease_until_us FROM timers WHERE campaign_id = ? AND kind = ?");
    q.bind(1, campaign).bind(2, kind);
    if (!q.step()) {
      q.reset();
      return "gone";
    }
    const std::int64_t due = q.int_at(0), lease_until = q.int_at(2);
    const std::string owner = q.text_at(1);
    q.reset();
    if (due != due_us) {
      moved_to = due;
      return "moved";
    }
    if (!owner.empty() && owner != ctx_.options.name && lease_until > now_us) {
      moved_to = lease_until;
      return "leased";
    }
    if (is_resume_kind(kind)) {
      arm(s, campaign, kind, ctx_.clock.now() + ctx_.options.durations.resume_after);
    } else {
      s.db.prepare("UPDATE timers SET lease_owner = ?, lease_until_us = ? WHERE campaign_id = ? AND kind = ?")
          .bind(1, ctx_.options.name)
          .bind(2, now_us + to_us(ctx_.options.durations.timer_lease))
          .bind(3, campaign)
          .bind(4, kind)
          .run();
    }
    return {};
  });
}

void DurableTimers::retry_take(const std::string& campaign, const std::string& kind, std::int64_t due_us,
                               const TxOutcome& out, std::optional<std::int64_t> moved_to) {
  const TimerKind tk = clock_kind(kind);
  if (out.store_error) {
    ctx_.later(backoff_full_jitter(ctx_.random, ctx_.options.retry.base, ctx_.options.retry.cap, 3),
               "timer_retry:" + kind, [this, campaign, kind, due_us] { on_timer(campaign, kind, due_us); }, tk);
  } else if (moved_to) {
    // Another engine re-armed or holds it: follow the row, not our stale copy.
    if (out.reason == "leased") {
      ctx_.later(from_us(*moved_to) - ctx_.clock.now(), "timer_lease_wait:" + kind,
                 [this, campaign, kind, due_us] { on_timer(campaign, kind, due_us); }, tk);
    } else {
      schedule(campaign, kind, *moved_to);
    }
  }
}

}  // namespace clsim::engine
