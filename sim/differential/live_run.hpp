// The live side of a differential run: the processes started in a directory, the
// workload fed at its relative times, a bounded wait until every campaign has
// finished, the outcomes read, the processes stopped.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

#include "sim/differential/child_process.hpp"
#include "sim/differential/outcome.hpp"
#include "sim/differential/workload.hpp"

namespace clsim::differential {

struct LiveRun {
  Outcomes outcomes;
  std::string unfinished;  // campaigns not final when the wait ended ("" none)
  double wall_s = 0;       // from the first line fed to the outcomes read
  std::size_t lines_fed = 0;
};

struct LiveRunOptions {
  std::chrono::seconds timeout{300};  // the wait after the last line's time
  bool progress = false;              // a progress line on stderr
};

// Throws StackError (the stack did not come up, or a process of it exited during
// the run) or Interrupted (SIGINT or SIGTERM under an InterruptGuard); the
// processes are stopped either way.
LiveRun run_live(const Workload& workload, const TempDir& dir, const LiveRunOptions& options);

}  // namespace clsim::differential
