// clsim run --capture FILE.jsonl: attaches a RunCapture to the run and, when the
// run ends, writes the capture whole (temporary file, then rename).
#pragma once
#include <memory>
#include <sstream>
#include <string>

#include "reports/atomic_file.hpp"
#include "sim/replay/run_capture.hpp"
#include "sim/runtime/trace.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::cli {

class CaptureFile {
 public:
  explicit CaptureFile(std::string path) : path_(std::move(path)) {}
  // Wires the capture into a run's options (lua::ScriptOptions, RandomRunOptions):
  // the trace sink feeds the capture, then the one already set; the engines
  // capture their commands into it; the mocks keep the failed calls and every
  // fault that fires.
  template <class Options>
  void attach(Options& options) {
    options.trace_sink = [this, inner = std::move(options.trace_sink)](const std::string& line) {
      capture_.on_trace_line(line);
      if (inner) inner(line);
    };
    options.engine_capture = &capture_;
    options.observe_failures = true;
    options.record_faults = true;
  }
  // False with `error` set when the file could not be written; nothing to write
  // when the run never built its world.
  bool commit(sim::Simulation* sim, std::string* error) {
    if (!sim) return true;
    std::ostringstream out;
    sim::JsonlCaptureWriter writer(out);
    capture_.write(*sim, writer);
    return reports::write_file_atomically(path_, out.str(), error);
  }

 private:
  std::string path_;
  sim::RunCapture capture_;
};

}  // namespace clsim::cli
