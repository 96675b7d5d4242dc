// The loop both kill tests run: workload rounds every 20 ms while the kill plan
// kills and restarts serve, then the end checks of the plan (every kill landed,
// most of them while the workload ran, the workload finished, nothing refused
// that should not be).
#pragma once
#include <cstddef>
#include <functional>
#include <string>

#include "live_faults/serve_kill_support.hpp"

namespace clsim::live_faults {

struct KillRun {
  bool finished = false;               // every campaign EXPIRED or FAILED
  std::size_t kills_before_finish = 0;
  std::string failure;                 // the kill plan's, or a round's own check
};

// Until the workload finished and the plan is through, or `limit` after `start`.
// `each_round` is a test's own per-round work and check ("" when all is well).
// Stops the plan and prints the kills, the retries and the wall time.
KillRun drive_under_kills(KillLoop& killer, Driver& driver, Clock::time_point start, Clock::duration limit,
                          const std::function<std::string()>& each_round);

// The end checks, as gtest assertions: call inside ASSERT_NO_FATAL_FAILURE.
void check_kill_run(const KillRun& run, const KillLoop& killer, std::size_t planned, const Driver& driver,
                    const FaultWorld& world, const std::string& plan, long long limit_s);

}  // namespace clsim::live_faults
