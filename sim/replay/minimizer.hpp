// Delta debugging (ddmin) over an event log's lines: removes lines while the
// replay still fails the same way (same failed invariant, or same failed check),
// keeping a campaign's create line while any line about it stays.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/replay/event_log.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::sim {

struct MinimizeResult {
  bool failed = false;     // the whole log fails at all (else nothing was minimized)
  std::string signature;   // how it fails (failure_signature)
  std::size_t lines_before = 0, lines_after = 0;
  int replays = 0;
  std::string text;        // the minimized log (world line first), ready to write
};

// `progress` gets one line per ddmin step (for stderr).
MinimizeResult minimize_log(const EventLog& log, const ReplayOptions& options,
                            const std::function<void(const std::string&)>& progress = {});

// The log restricted to lines `keep` (indices into log.lines), as text.
std::string render_log(const EventLog& log, const std::vector<std::size_t>& keep);

}  // namespace clsim::sim
