// Counts the faults a mock injected, by report key `<service>_<kind>`
// (e.g. twitter_error, hedera_busy). Ordered, so reports list them stably.
// It is also where a mock decides whether a random fault fires (decide), so a
// run can record its fault decisions or take them from a schedule instead.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/distributions.hpp"
#include "engine/ports/clock.hpp"
#include "engine/ports/random.hpp"
#include "mocks/fault_schedule.hpp"

namespace clsim::mocks {

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
  void install_schedule(std::vector<ScheduledFault> entries);
  bool scheduled() const { return schedule_ != nullptr; }
  // Decisions are recorded or scheduled: only then does a call's name matter.
  bool tracking() const { return schedule_ || recorder_; }
  const FaultSchedule* schedule() const { return schedule_.get(); }
  // Remember every fault that fires (see FaultRecorder).
  void record(bool on);
  const std::vector<ScheduledFault>& recorded() const;

 private:
  bool decide_tracked(bool drawn, const Call& call);

  std::map<std::string, std::int64_t> counts_;
  const engine::Clock* clock_ = nullptr;
  std::unique_ptr<FaultSchedule> schedule_;
  std::unique_ptr<FaultRecorder> recorder_;
};

}  // namespace clsim::mocks
