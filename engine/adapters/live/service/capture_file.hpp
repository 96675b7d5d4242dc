// A live service's capture: the capture format appended to a file, a line at a
// time and flushed (a service has no end at which to write a whole file). A new
// file starts with the world line (seed and engine timing); a file the service
// appended to before gets an engine:crash:v1:observed line for this start, and
// a last line cut off by a kill is dropped first, so the log stays readable.
#pragma once
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "engine/adapters/jsonl_capture.hpp"
#include "engine/engine.hpp"

namespace clsim::live {

class CaptureFile {
 public:
  // Throws std::runtime_error naming the file when it cannot be opened for appending.
  CaptureFile(const std::string& path, std::int64_t now_us, std::uint64_t seed, const engine::EngineOptions& options);
  engine::CaptureSink& sink() { return *writer_; }
  bool appended_to_existing() const { return resumed_; }

 private:
  std::ofstream out_;
  std::unique_ptr<engine::JsonlCaptureWriter> writer_;
  bool resumed_ = false;
};

}  // namespace clsim::live
