// Durable timers: rows in `timers` are the truth, clock waits are a cache of them.
// A firing timer is claimed with a lease (several engines may share the store),
// then its work runs and deletes or re-arms it. Resume-style timers (saga resume,
// claims) re-arm themselves on firing, so an interrupted step is retried until done.
#include "engine/engine_impl.hpp"

namespace clsim::engine {

namespace {
// Every 10th sweep reads every row, which also forgets timers other engines deleted.
constexpr std::uint64_t kFullTimerSweepEvery = 10;

bool is_resume_kind(const std::string& kind) {
  return kind == timer_kind::kResume || kind.rfind(timer_kind::kClaimPrefix, 0) == 0;
}
}  // namespace

void EngineImpl::arm(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due) {
  s.db.prepare("UPDATE timer_changes SET n = n + 1").run();
  s.db.prepare("INSERT INTO timers (campaign_id, kind, due_us, changed) VALUES (?, ?, ?, (SELECT n FROM timer_changes)) "
               "ON CONFLICT(campaign_id, kind) DO UPDATE SET due_us = excluded.due_us, lease_owner = '', "
               "lease_until_us = 0, changed = excluded.changed")
      .bind(1, campaign)
      .bind(2, kind)
      .bind(3, to_us(due))
      .run();
  s.fx.armed.emplace_back(campaign, kind, to_us(due));
}

void EngineImpl::arm_if_absent(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due) {
  s.db.prepare("UPDATE timer_changes SET n = n + 1").run();
  s.db.prepare("INSERT OR IGNORE INTO timers (campaign_id, kind, due_us, changed) VALUES (?, ?, ?, "
               "(SELECT n FROM timer_changes))")
      .bind(1, campaign)
      .bind(2, kind)
      .bind(3, to_us(due))
      .run();
  if (s.db.changes() > 0) s.fx.armed.emplace_back(campaign, kind, to_us(due));
}

void EngineImpl::disarm(TxScope& s, const std::string& campaign, const std::string& kind) {
  s.db.prepare("DELETE FROM timers WHERE campaign_id = ? AND kind = ?").bind(1, campaign).bind(2, kind).run();
  s.fx.disarmed.emplace_back(campaign, kind);
}

// A sweep schedules every timer row, in (due, campaign, kind) order: rows another
// engine armed, and rows whose firing this engine dropped (its work failed after
// the lease). It reads only the rows armed since the last sweep into a mirror of
// the table that this engine's own commits keep current; every 10th sweep (and
// the first) reads them all. Re-reading every row every 30 seconds was 42% of a
// 1,000-campaign week.
void EngineImpl::load_timers(bool at_start) {
  if (!db_) return;
  const bool full = at_start || ++sweeps_ % kFullTimerSweepEvery == 0;
  std::vector<std::tuple<std::string, std::string, std::int64_t>> rows;
  std::int64_t seen = timers_seen_;
  try {
    auto& q = db_->prepare("SELECT campaign_id, kind, due_us, changed FROM timers WHERE changed > ?");
    q.bind(1, full ? std::int64_t(-1) : timers_seen_);
    while (q.step()) {
      rows.emplace_back(q.text_at(0), q.text_at(1), q.int_at(2));
      seen = std::max(seen, q.int_at(3));
    }
    q.reset();
  } catch (const StoreError& e) {
    hooks_.trace("store_error", {{"engine", options_.name}, {"reason", e.message}});
    return;  // the next sweep tries again
  }
  timers_seen_ = seen;
  if (full) timer_rows_.clear(), timer_order_.clear();
  for (auto& [campaign, kind, due_us] : rows) {
    if (at_start) loaded_at_start_.emplace(campaign, kind);
    mirror_timer(campaign, kind, due_us);
  }
  for (const auto& [due_us, campaign, kind] : timer_order_) schedule_timer(campaign, kind, due_us);
}

void EngineImpl::mirror_timer(const std::string& campaign, const std::string& kind, std::optional<std::int64_t> due_us) {
  auto it = timer_rows_.find({campaign, kind});
  if (it != timer_rows_.end()) {
    timer_order_.erase({it->second, campaign, kind});
    timer_rows_.erase(it);
  }
  if (!due_us) return;
  timer_rows_.emplace(std::make_pair(campaign, kind), *due_us);
  timer_order_.emplace(*due_us, campaign, kind);
}

void EngineImpl::schedule_timer(const std::string& campaign, const std::string& kind, std::int64_t due_us) {
  const auto key = std::make_pair(campaign, kind);
  auto it = scheduled_.find(key);
  if (it != scheduled_.end()) {
    if (it->second.due_us == due_us) return;
    clock_.cancel(it->second.clock_id);
    scheduled_.erase(it);
  }
  const Duration delay = std::max(Duration(0), from_us(due_us) - clock_.now());
  // Polling never keeps a world busy on its own; every other timer is pending work.
  const TimerKind tk = kind == timer_kind::kPoll ? TimerKind::background : TimerKind::foreground;
  const TimerId id = clock_.start_wait(delay, tk, "timer:" + kind + ":" + campaign,
                                       guarded([this, campaign, kind, due_us](boost::system::error_code ec) {
                                         if (!ec) on_timer(campaign, kind, due_us);
                                       }));
  scheduled_[key] = Scheduled{id, due_us};
}

void EngineImpl::unschedule_timer(const std::string& campaign, const std::string& kind) {
  auto it = scheduled_.find({campaign, kind});
  if (it == scheduled_.end()) return;
  clock_.cancel(it->second.clock_id);
  scheduled_.erase(it);
}

void EngineImpl::on_timer(const std::string& campaign, const std::string& kind, std::int64_t due_us) {
  const auto key = std::make_pair(campaign, kind);
  if (auto it = scheduled_.find(key); it != scheduled_.end() && it->second.due_us == due_us) scheduled_.erase(it);
  const std::int64_t now_us = to_us(clock_.now());
  std::optional<std::int64_t> moved_to;
  auto out = run_tx([&](TxScope& s) -> std::string {
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
    if (!owner.empty() && owner != options_.name && lease_until > now_us) {
      moved_to = lease_until;
      return "leased";
    }
    if (is_resume_kind(kind)) {
      arm(s, campaign, kind, clock_.now() + options_.durations.resume_after);  // fires again if the step stalls
    } else {
      s.db.prepare("UPDATE timers SET lease_owner = ?, lease_until_us = ? WHERE campaign_id = ? AND kind = ?")
          .bind(1, options_.name)
          .bind(2, now_us + to_us(options_.durations.timer_lease))
          .bind(3, campaign)
          .bind(4, kind)
          .run();
    }
    return {};
  });
  if (!out.ok) {
    if (out.store_error) {
      later(backoff_full_jitter(random_, options_.retry.base, options_.retry.cap, 3), "timer_retry:" + kind,
            [this, campaign, kind, due_us] { on_timer(campaign, kind, due_us); },
            kind == timer_kind::kPoll ? TimerKind::background : TimerKind::foreground);
    } else if (moved_to) {
      // Another engine re-armed or holds it: follow the row, not our stale copy.
      if (out.reason == "leased") {
        later(from_us(*moved_to) - clock_.now(), "timer_lease_wait:" + kind,
              [this, campaign, kind, due_us] { on_timer(campaign, kind, due_us); },
              kind == timer_kind::kPoll ? TimerKind::background : TimerKind::foreground);
      } else {
        schedule_timer(campaign, kind, *moved_to);
      }
    }
    return;
  }
  const Duration lag = clock_.now() - from_us(due_us);
  if (lag > timer_lag_max_) timer_lag_max_ = lag;
  if (lag.count() > 0 && loaded_at_start_.count(key)) CLSIM_SOMETIMES(hooks_, "timer_fired_late");
  loaded_at_start_.erase(key);
  hooks_.trace("timer_fired", {{"engine", options_.name}, {"campaign", campaign}, {"kind", kind},
                               {"lag_us", to_us(lag)}});
  dispatch_timer(campaign, kind);
}

void EngineImpl::dispatch_timer(const std::string& campaign, const std::string& kind) {
  if (kind == timer_kind::kClose) {
    begin_close(campaign, 0);
  } else if (kind == timer_kind::kExpiry) {
    begin_expiry(campaign);
  } else if (kind == timer_kind::kPoll) {
    poll_round();
  } else if (kind == timer_kind::kResume) {
    std::optional<CampaignRow> row;
    try {
      row = load_campaign(*db_, campaign);
    } catch (const StoreError&) {
      return;  // the re-armed resume timer comes back
    }
    if (row && !row->step.empty()) {
      run_step(campaign, row->step, std::nullopt);
    } else {
      run_tx([&](TxScope& s) {  // the step finished elsewhere; nothing to resume
        disarm(s, campaign, kind);
        return std::string();
      });
    }
  } else if (kind.rfind(timer_kind::kClaimPrefix, 0) == 0) {
    run_claim(campaign, kind.substr(std::string(timer_kind::kClaimPrefix).size()), true);
  } else if (kind.rfind("rule_", 0) == 0) {
    rule_timer(campaign, kind);  // engine/rules/
  } else {
    CLSIM_ASSERT(hooks_, false, "unknown timer kind " + kind);
  }
}

}  // namespace clsim::engine
