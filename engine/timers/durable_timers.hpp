// Durable timers: rows in `timers` are the truth, clock waits are a cache of them.
// A firing one-shot timer is leased (several engines may share the store), then
// handed to the dispatcher, whose work deletes or re-arms it. Resume-style timers
// (saga resume, claims) re-arm themselves on firing, so an interrupted step is
// retried until it is done. Owns the timers table and this engine's mirror of it.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "engine/engine_context.hpp"

namespace clsim::engine {

class DurableTimers {
 public:
  // Runs a fired timer's work: (campaign, kind).
  using Dispatch = std::function<void(const std::string&, const std::string&)>;
  DurableTimers(EngineContext& ctx, Dispatch dispatch) : ctx_(ctx), dispatch_(std::move(dispatch)) {}
  // Cancels every clock wait standing for a row; the rows stay for the next life.
  ~DurableTimers();
  DurableTimers(const DurableTimers&) = delete;
  DurableTimers& operator=(const DurableTimers&) = delete;

  // Inside a transaction; the clock waits follow in `committed`.
  void arm(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due);
  void arm_if_absent(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due);
  void disarm(TxScope& s, const std::string& campaign, const std::string& kind);
  // After a commit: schedule what it armed, cancel what it disarmed.
  void committed(const TxEffects& fx);
  // Reads timer rows and schedules every one (at start, and from the heartbeat).
  void sweep(bool at_start);
  // The latest a timer has fired past its due time, for health.
  Duration lag_max() const { return lag_max_; }

 private:
  void mirror(const std::string& campaign, const std::string& kind, std::optional<std::int64_t> due_us);
  void schedule(const std::string& campaign, const std::string& kind, std::int64_t due_us);
  void unschedule(const std::string& campaign, const std::string& kind);
  void on_timer(const std::string& campaign, const std::string& kind, std::int64_t due_us);
  // Takes the fired row (a lease, or the resume re-arm) in one transaction.
  TxOutcome take(const std::string& campaign, const std::string& kind, std::int64_t due_us,
                 std::optional<std::int64_t>& moved_to);
  void retry_take(const std::string& campaign, const std::string& kind, std::int64_t due_us, const TxOutcome& out,
                  std::optional<std::int64_t> moved_to);

  EngineContext& ctx_;
  Dispatch dispatch_;
  // Clock waits standing for durable timers, by (campaign, kind).
  struct Scheduled {
    TimerId clock_id = 0;
    std::int64_t due_us = 0;
  };
  std::map<std::pair<std::string, std::string>, Scheduled> scheduled_;
  std::set<std::pair<std::string, std::string>> loaded_at_start_;
  // The timers table as this engine knows it: due per row, and the full sweep that
  // last read the row (a full sweep forgets the rows it did not read).
  struct Mirrored {
    std::int64_t due_us = 0;
    std::uint64_t full_sweep = 0;
  };
  // Hashed, and looked up by views: a full sweep looks up every row (an ordered
  // map's string comparisons were most of the sweep), and a row it already holds
  // at that due costs no copy. Nothing iterates it in an order that reaches the
  // clock (the sweep sorts what it schedules).
  using KeyView = std::pair<std::string_view, std::string_view>;
  struct KeyHash {
    using is_transparent = void;
    static std::size_t mix(std::string_view a, std::string_view b) noexcept {
      const std::size_t h = std::hash<std::string_view>{}(a);
      return h ^ (std::hash<std::string_view>{}(b) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
    }
    std::size_t operator()(const std::pair<std::string, std::string>& k) const noexcept {
      return mix(k.first, k.second);
    }
    std::size_t operator()(const KeyView& k) const noexcept { return mix(k.first, k.second); }
  };
  struct KeyEq {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return std::string_view(a.first) == std::string_view(b.first) &&
             std::string_view(a.second) == std::string_view(b.second);
    }
  };
  std::unordered_map<std::pair<std::string, std::string>, Mirrored, KeyHash, KeyEq> rows_;
  // Mirrored rows whose clock wait fired (taken, or found leased or failed): a sweep
  // schedules them again unless their work re-armed or disarmed them meanwhile.
  std::set<std::pair<std::string, std::string>> fired_;
  std::uint64_t full_sweeps_ = 0;
  std::uint64_t sweeps_ = 0;
  std::int64_t seen_ = -1;  // the highest timers.changed a sweep has read
  Duration lag_max_{};
};

}  // namespace clsim::engine
