// The capture format as JSON Lines on any std::ostream: the CaptureSink a
// production engine appends to and `clsim run --capture` writes through.
#pragma once
#include <ostream>
#include <string>

#include "engine/ports/capture.hpp"

namespace clsim::engine {

// One JSON object a line, fields in a fixed order (ts_us, type, event_id, ...).
std::string capture_line(const CaptureRecord& record);

class JsonlCaptureWriter final : public CaptureSink {
 public:
  explicit JsonlCaptureWriter(std::ostream& out) : out_(out) {}
  void world(std::int64_t ts_us, std::uint64_t seed, const nlohmann::ordered_json& world) override;
  // Flushed a line at a time: a production process may die at any moment, and
  // an incident log that lost its last lines loses the interesting part.
  void append(const CaptureRecord& record) override { out_ << capture_line(record) << '\n' << std::flush; }

 private:
  std::ostream& out_;
};

}  // namespace clsim::engine
