// The simulated side of a differential run: the workload replayed (sim::replay_log,
// the mock audience off, engagements from the log, the world line's seed and engine
// timing) and its outcomes read from the store and the mocks.
#pragma once
#include <string>

#include "sim/differential/outcome.hpp"
#include "sim/differential/workload.hpp"

namespace clsim::differential {

struct SimulatedRun {
  int exit_code = 3;   // replay_log's: 0 held, 1 an invariant or check failed, 2 bad input
  std::string error;   // for exit 2
  std::string failure;  // the first violated invariant or fatal stop ("" none)
  Outcomes outcomes;
};

SimulatedRun simulate(const Workload& workload);

}  // namespace clsim::differential
