// Engagement polling. One global poll timer batches every RUNNING campaign:
// metrics for up to 100 first tweets a request, and engager lists only for the
// kinds whose counts changed (the rate limits make anything else impossible at
// scale). Each (campaign, user, kind) is recorded once; the owner earns nothing.
#include "engine/lifecycle/lifecycle.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "engine/messaging/capture_records.hpp"

namespace clsim::engine {

namespace {
constexpr int kPagesMax = 50;  // 5,000 engagers of one kind per poll; the rest next time
constexpr std::size_t kListedNamesMax = 20'000;  // names read before a commit

std::array<std::int64_t, 4> counts_of(const TweetMetrics& m) {
  return {m.like_count, m.retweet_count, m.quote_count, m.reply_count};
}

// Sorted by the primary key's order, which std::string's order matches (bytes,
// then length), so a lookup is a binary search: a hash set of the names cost an
// allocation per name for every list.
using Stored = std::array<std::vector<std::string>, 4>;  // by EngagementKind

void stored_engagers(SqliteDb& db, const std::string& campaign, EngagementKind kind, Stored& out) {
  auto& q = db.prepare("SELECT user_id FROM engagements WHERE campaign_id = ? AND kind = ? ORDER BY user_id");
  q.bind(1, campaign).bind(2, to_string(kind));
  while (q.step()) out[int(kind)].emplace_back(q.text_view(0));
  q.reset();
}

// Every kind at once: the key index is (campaign, user, kind), so reading one
// kind walks the other kinds' entries as well, and a campaign with several lists
// in a commit walked them once a list.
void stored_engagers(SqliteDb& db, const std::string& campaign, Stored& out) {
  auto& q = db.prepare("SELECT user_id, kind FROM engagements WHERE campaign_id = ? ORDER BY user_id, kind");
  q.bind(1, campaign);
  while (q.step()) {
    const auto kind = engagement_kind_from(q.text_view(1));
    if (kind) out[int(*kind)].emplace_back(q.text_view(0));
  }
  q.reset();
}
}  // namespace

// One pass over a list of targets; owns itself through its pending callbacks.
class PollRun : public std::enable_shared_from_this<PollRun> {
 public:
  using Target = Lifecycle::PollTarget;
  using End = Lifecycle::PollEnd;
  PollRun(Lifecycle& e, std::vector<Target> targets, std::function<void(End)> done)
      : e_(e), alive_(e.ctx_.alive()), targets_(std::move(targets)), done_(std::move(done)) {}

  void next_batch() {
    if (batch_start_ >= targets_.size()) return end(End{});
    std::vector<std::string> ids;
    for (std::size_t i = batch_start_; i < targets_.size() && ids.size() < std::size_t(kMetricsBatchMax); ++i)
      ids.push_back(targets_[i].tweet_id);
    e_.ctx_.social.lookup_metrics(std::move(ids), [self = shared_from_this()](MetricsResult r) {
      if (!self->alive_.expired()) self->on_metrics(r);
    });
  }

 private:
  struct Work {
    Target target;
    EngagementKind kind;
    std::int64_t count;
  };

  void on_metrics(const MetricsResult& r) {
    if (r.status.rate_limited()) return end(End{false, r.status.rate_limit_reset});
    if (!r.status.ok()) return end(End{false, std::nullopt});
    const std::size_t batch_end = std::min(targets_.size(), batch_start_ + std::size_t(kMetricsBatchMax));
    work_.clear();
    work_i_ = 0;
    // X answers in the order asked; an answer that does not line up is matched by
    // id, the last of a repeated id winning (a scan per target was quadratic).
    bool in_order = r.metrics.size() == batch_end - batch_start_;
    for (std::size_t i = batch_start_; in_order && i < batch_end; ++i)
      in_order = r.metrics[i - batch_start_].tweet_id == targets_[i].tweet_id;
    std::unordered_map<std::string_view, const TweetMetrics*> by_id;
    if (!in_order) {
      by_id.reserve(r.metrics.size());
      for (const auto& x : r.metrics) by_id[x.tweet_id] = &x;
    }
    const auto metrics_of = [&](std::size_t i) -> const TweetMetrics* {
      if (in_order) return &r.metrics[i - batch_start_];
      const auto found = by_id.find(targets_[i].tweet_id);
      return found == by_id.end() ? nullptr : found->second;
    };
    auto& known = e_.seen_marks_;
    try {
      // A campaign whose counts equal the marks this engine last read or wrote has
      // nothing new: marks move only to counts some engine saw, so reading the row
      // could only tell it to re-read a list it has already recorded.
      std::vector<std::string> ids;
      for (std::size_t i = batch_start_; i < batch_end; ++i) {
        const TweetMetrics* m = metrics_of(i);
        if (!m) continue;
        const auto k = known.find(targets_[i].campaign);
        if (k != known.end() && k->second == counts_of(*m)) continue;
        ids.push_back(targets_[i].campaign);
      }
      const auto marks = ids.empty() ? std::unordered_map<std::string, SeenMarks>{} : load_seen_marks(*e_.ctx_.db, ids);
      for (std::size_t i = batch_start_; i < batch_end; ++i) {
        const auto& t = targets_[i];
        const TweetMetrics* m = metrics_of(i);
        if (!m) continue;
        const auto row = marks.find(t.campaign);
        if (row == marks.end() || !row->second.running) continue;
        known[t.campaign] = row->second.seen;
        const auto counts = counts_of(*m);
        for (auto k : kEngagementKinds)
          if (counts[int(k)] != row->second.seen[int(k)]) work_.push_back(Work{t, k, counts[int(k)]});
      }
    } catch (const StoreError&) {
      return end(End{false, std::nullopt});
    }
    batch_start_ = batch_end;
    next_work();
  }

  void next_work() {
    if (work_i_ >= work_.size()) {
      if (!store_lists()) return end(End{false, std::nullopt});
      return next_batch();
    }
    users_.clear();
    pages_ = 0;
    fetch_page(std::nullopt);
  }

  void fetch_page(std::optional<std::string> token) {
    const auto& w = work_[work_i_];
    EngagersRequest req{w.target.tweet_id, w.kind, std::move(token), 100};
    e_.ctx_.social.list_engagers(std::move(req), [self = shared_from_this()](EngagersPage p) {
      if (!self->alive_.expired()) self->on_page(p);
    });
  }

  void on_page(const EngagersPage& p) {
    if (p.status.rate_limited()) return end(End{false, p.status.rate_limit_reset});
    if (!p.status.ok()) return end(End{false, std::nullopt});
    users_.insert(users_.end(), p.user_ids.begin(), p.user_ids.end());
    if (p.next_token && ++pages_ < kPagesMax) return fetch_page(p.next_token);
    listed_names_ += users_.size();
    lists_.push_back(Listed{work_i_, std::move(users_), !p.next_token});
    users_ = {};
    ++work_i_;
    // The lists of a metrics batch commit together: one commit a list was a
    // quarter of a 1,000-campaign week. A large audience commits sooner, so the
    // names held here stay bounded.
    if (listed_names_ >= kListedNamesMax && !store_lists()) return end(End{false, std::nullopt});
    next_work();
  }

  // Stores the engager lists read since the last commit, in one transaction. Each
  // (campaign, user, kind) is stored once; false on a store error (the lists are
  // read again at the next poll).
  bool store_lists() {
    if (lists_.empty()) return true;
    std::vector<Listed> lists = std::move(lists_);
    lists_.clear();
    listed_names_ = 0;
    std::vector<const Work*> complete;  // lists that moved their campaign's mark
    auto out = e_.ctx_.run_tx([&](TxScope& s) -> std::string {
      complete.clear();
      const auto now_us = to_us(e_.ctx_.clock.now());
      Stored stored;
      // A campaign's lists come together (its kinds in order): one state check,
      // one read of what it has stored and one write of its marks for all of them.
      for (std::size_t first = 0, last = 0; first < lists.size(); first = last) {
        const Target& target = work_[lists[first].work].target;
        const std::string& id = target.campaign;
        for (last = first + 1; last < lists.size() && work_[lists[last].work].target.campaign == id;) ++last;
        // Only the state and the marks of the row matter here; reading and
        // rewriting all of it for every list was a fifth of a poll.
        if (!campaign_running(s.db, id)) continue;
        for (auto& names : stored) names.clear();
        // A list names every engager, most of them stored at an earlier poll: one
        // scan of the campaign's rows costs less than an insert tried per name.
        if (last - first > 1)
          stored_engagers(s.db, id, stored);
        else
          stored_engagers(s.db, id, work_[lists[first].work].kind, stored);
        std::array<std::optional<std::int64_t>, 4> marks;
        for (std::size_t i = first; i < last; ++i) {
          const Listed& l = lists[i];
          const Work& w = work_[l.work];
          const auto& known = stored[int(w.kind)];
          std::int64_t added = 0;
          for (const auto& u : l.users) {
            if (u == target.owner) continue;  // the owner's own engagement earns nothing
            if (std::binary_search(known.begin(), known.end(), u)) continue;
            s.db.prepare("INSERT OR IGNORE INTO engagements (campaign_id, user_id, kind, at_us) VALUES (?, ?, ?, ?)")
                .bind(1, id)
                .bind(2, u)
                .bind(3, to_string(w.kind))
                .bind(4, now_us)
                .run();
            const auto changed = s.db.changes();
            added += changed;
            // A live service's capture must hold the outside world it saw, or its
            // replay would pay nobody; the simulator builds its captures from the
            // mocks instead.
            if (changed > 0 && e_.ctx_.options.capture) {
              s.fx.captured.push_back(engagement_record(id, u, w.kind, target.tweet_id));
              s.fx.captured.back().ts_us = now_us;
            }
          }
          // Only a fully read list moves the mark; a cut-off one is read again next time.
          if (l.complete) {
            marks[std::size_t(w.kind)] = w.count;
            complete.push_back(&w);
          }
          if (added > 0)
            s.fx.traces.emplace_back("engagements_recorded", nlohmann::json{{"campaign", id},
                                                                            {"kind", to_string(w.kind)},
                                                                            {"added", added}});
        }
        if (std::any_of(marks.begin(), marks.end(), [](const auto& m) { return m.has_value(); }))
          save_seen_marks(s.db, id, marks);
      }
      return {};
    });
    if (out.store_error) return false;
    if (out.ok)
      for (const Work* w : complete) e_.seen_marks_[w->target.campaign][int(w->kind)] = w->count;
    return true;
  }

  void end(End e) {
    if (finished_) return;
    finished_ = true;
    // What was read before a rate limit or an error is still worth its commit.
    if (!store_lists()) e.ok = false;
    done_(e);
  }

  Lifecycle& e_;
  std::weak_ptr<void> alive_;
  std::vector<Target> targets_;
  std::function<void(End)> done_;
  std::size_t batch_start_ = 0;
  std::vector<Work> work_;
  std::size_t work_i_ = 0;
  std::vector<std::string> users_;
  int pages_ = 0;
  // Engager lists read and not yet stored: work index, every name, and whether the
  // list was read to its end.
  struct Listed {
    std::size_t work;
    std::vector<std::string> users;
    bool complete;
  };
  std::vector<Listed> lists_;
  std::size_t listed_names_ = 0;
  bool finished_ = false;
};

void Lifecycle::sync_engagements(std::vector<PollTarget> targets, std::function<void(PollEnd)> done) {
  auto run = std::make_shared<PollRun>(*this, std::move(targets), ctx_.guarded(std::move(done)));
  run->next_batch();
}

void Lifecycle::poll_round() {
  if (polling_) return;
  std::vector<PollTarget> targets;
  try {
    targets = running_tweets(*ctx_.db);
  } catch (const StoreError&) {
    return;  // the sweep re-schedules the poll timer from its row
  }
  // Marks of campaigns no longer running are never asked for again (the targets
  // come in id order).
  std::erase_if(seen_marks_, [&](const auto& entry) {
    return !std::ranges::binary_search(targets, std::string_view(entry.first), {},
                                       [](const PollTarget& t) { return std::string_view(t.campaign); });
  });
  polling_ = true;
  sync_engagements(std::move(targets), [this](PollEnd e) {
    polling_ = false;
    TimePoint next = ctx_.clock.now() + ctx_.options.poll_interval;
    if (e.rate_limited_until) next = std::max(*e.rate_limited_until, ctx_.clock.now() + Duration(1'000'000));
    ctx_.run_tx([&](TxScope& s) {
      if (any_running(s.db)) {
        timers_.arm(s, kPollTimerCampaign, timer_kind::kPoll, next);
      } else {
        timers_.disarm(s, kPollTimerCampaign, timer_kind::kPoll);
      }
      return std::string();
    });
  });
}

}  // namespace clsim::engine
