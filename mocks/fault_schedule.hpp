// A fault schedule: which faults fire, named by virtual time and the semantic
// call they hit (`fault` is the report key, `on` the call's subject, e.g. the
// endpoint and campaign, a ledger memo, a stream, a database file), instead of
// by the order of random draws. An entry fires on the nth decision for its
// (fault, on) at or after `at`, so it survives changes that shift other draws:
// what `clsim shrink` records from a random run and replays without randomness.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/time.hpp"

namespace clsim::mocks {

struct ScheduledFault {
  engine::TimePoint at{};
  std::string fault;  // report key, e.g. "twitter_error"
  std::string on;     // the call's subject
  int nth = 1;        // 1-based: the nth decision for (fault, on) at or after `at`
  int engine = 0;     // the engine whose call it hit (0: the world's); recorded, never matched
  bool operator==(const ScheduledFault&) const = default;
};

class FaultSchedule {
 public:
  explicit FaultSchedule(std::vector<ScheduledFault> entries);
  // One decision for (fault, on) at `now`: true when an entry fires on it.
  bool take(const std::string& fault, const std::string& on, engine::TimePoint now);
  // Entries that never fired (their call never came).
  std::vector<ScheduledFault> pending() const;

 private:
  struct Pending {
    ScheduledFault entry;
    int seen = 0;
    bool fired = false;
  };
  std::map<std::pair<std::string, std::string>, std::vector<Pending>> by_call_;
};

// Records the faults that fire in a run with random decisions, as a schedule
// that makes the same decisions.
class FaultRecorder {
 public:
  void decision(const std::string& fault, const std::string& on, engine::TimePoint now, bool fired,
                int engine = 0);
  const std::vector<ScheduledFault>& fired() const { return fired_; }

 private:
  struct Seen {
    engine::TimePoint at{};
    int count = 0;  // decisions for this call at `at`
  };
  std::map<std::pair<std::string, std::string>, Seen> seen_;
  std::vector<ScheduledFault> fired_;
};

}  // namespace clsim::mocks

namespace clsim::mocks {
// The fault keys a schedule can name: every fault the mocks decide at random.
const std::vector<std::string>& schedulable_faults();
}  // namespace clsim::mocks
