// Counts the faults a mock injected, by report key `<service>_<kind>`
// (e.g. twitter_error, hedera_busy). Ordered, so reports list them stably.
// It is also where a mock decides whether a random fault fires (decide), so a
// run can record its fault decisions or take them from a schedule instead.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/distributions.hpp"
#include "engine/ports/clock.hpp"
#include "engine/ports/social.hpp"
#include "engine/ports/random.hpp"
#include "mocks/fault_schedule.hpp"

namespace clsim::mocks {

// One outside call a mock answered with a failure, as `clsim run --capture` writes
// it (docs/CONTRACTS.md, "What the writers emit"): the call's time, service, the
// endpoint (X) and campaign it concerned, and the answer.
struct ObservedFailure {
  engine::TimePoint at{};     // when the call was made
  std::string service;        // "twitter" or "hedera"
  std::string endpoint;       // X only, e.g. "POST /2/tweets"
  std::string campaign;       // "" when the call names none (or several)
  engine::ApiStatus status;   // X: the answer (http 0 a timeout)
  std::string ledger_status;  // Hedera: the status name, e.g. "BUSY"
  bool apply_effect = false;  // the call took effect, then answered the failure
  std::string fault;          // the random decision that failed it (report key), "" for a rate limit
  int call_nth = 0;           // 1-based: which call to this endpoint (Hedera: submit) at that instant
  int engine = 0;             // the engine that made the call (0: not known)
};

// Numbers the calls to one endpoint made at one instant (1, 2, ...), so a failure
// names its call exactly even when several calls share a time.
class CallOrdinals {
 public:
  int next(const std::string& endpoint, engine::TimePoint now) {
    if (now != at_) {
      at_ = now;
      counts_.clear();
    }
    return ++counts_[endpoint];
  }

 private:
  engine::TimePoint at_{};
  std::map<std::string, int> counts_;
};

class FaultCounter {
 public:
  void add(const std::string& key, std::int64_t n = 1) { counts_[key] += n; }
  std::int64_t get(const std::string& key) const;
  const std::map<std::string, std::int64_t>& all() const { return counts_; }

  // A decided call as a schedule names it: the fault's report key and the call's
  // subject (see FaultSchedule).
  struct Call {
    std::string key, on;
  };
  // Whether a fault fires on this call. Draws from `rng` at `rate` exactly as
  // engine::bernoulli does, also under a schedule, so the other draws of that
  // stream stay where they were; with a schedule installed only the schedule
  // decides. `name()` returns the Call and runs only while decisions are recorded
  // or scheduled, so a plain run builds no strings. Counting stays the caller's
  // (add), as some faults count under another key.
  template <class Name>
  bool decide(engine::Random& rng, double rate, Name&& name) {
    const bool drawn = engine::bernoulli(rng, rate);
    return tracking() ? decide_tracked(drawn, name()) : drawn;
  }

  // The virtual clock that dates decisions (none: every decision at time zero).
  void set_clock(const engine::Clock* clock) { clock_ = clock; }
  // Who makes the current call (an engine's number, 0 for the world), so what is
  // recorded or observed names its engine.
  void set_caller(std::function<int()> caller) { caller_ = std::move(caller); }
  void install_schedule(std::vector<ScheduledFault> entries);
  // Replay of a logged failure under a schedule: the next decision named `key`
  // fires (drawn as always), so the call fails through the path that failed it in
  // the captured run and the service's later draws stay where they were.
  // clear_forced() ends it when the call never reached that decision.
  void force_next(std::string key) { forced_ = std::move(key); }
  void clear_forced() { forced_.clear(); }
  bool scheduled() const { return schedule_ != nullptr; }
  // Decisions are recorded or scheduled: only then does a call's name matter.
  bool tracking() const { return schedule_ || recorder_; }
  const FaultSchedule* schedule() const { return schedule_.get(); }
  // Remember every fault that fires (see FaultRecorder).
  void record(bool on);
  const std::vector<ScheduledFault>& recorded() const;

  // Keep every failed answer the mocks give (observe(true)); only a capture asks,
  // and keeping them draws nothing, so the run is the same either way.
  void observe(bool on) { observing_ = on; }
  bool observing() const { return observing_; }
  void note_failure(ObservedFailure f) {
    if (!observing_) return;
    if (f.engine == 0 && caller_) f.engine = caller_();
    failures_.push_back(std::move(f));
  }
  const std::vector<ObservedFailure>& failures() const { return failures_; }

 private:
  bool decide_tracked(bool drawn, const Call& call);

  std::map<std::string, std::int64_t> counts_;
  const engine::Clock* clock_ = nullptr;
  std::function<int()> caller_;
  std::unique_ptr<FaultSchedule> schedule_;
  std::unique_ptr<FaultRecorder> recorder_;
  std::string forced_;
  bool observing_ = false;
  std::vector<ObservedFailure> failures_;
};

}  // namespace clsim::mocks
