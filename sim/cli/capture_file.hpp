// clsim run --capture FILE.jsonl: chains a RunCapture into the run's trace sink
// and, when the run ends, writes the capture whole (temporary file, then rename).
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
  // The sink to give the run: feeds the capture, then `inner` (when set).
  sim::Trace::Sink chain(sim::Trace::Sink inner) {
    return [this, inner = std::move(inner)](const std::string& line) {
      capture_.on_trace_line(line);
      if (inner) inner(line);
    };
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
