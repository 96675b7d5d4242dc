// The capture format's writer behind a small port: a CaptureSink takes plain
// records, and JsonlCaptureWriter appends them as JSON Lines to any std::ostream.
// It needs nothing of the simulator, so a production process can append the same
// format the simulator writes and `clsim replay` reads.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::sim {

struct CaptureRecord {
  std::int64_t ts_us = 0;
  std::string type;  // canonical: {service}:{action}:v{version}:{state}
  std::string event_id;
  std::string campaign_id, user_id;  // "" leaves the field out
  nlohmann::ordered_json payload = nlohmann::ordered_json::object();
};

class CaptureSink {
 public:
  virtual ~CaptureSink() = default;
  // The optional first line: the world a capture ran in (seed, balances, engines, faults).
  virtual void world(std::int64_t ts_us, std::uint64_t seed, const nlohmann::ordered_json& world) = 0;
  virtual void append(const CaptureRecord& record) = 0;
};

// One JSON object a line, fields in a fixed order (ts_us, type, event_id, ...).
std::string capture_line(const CaptureRecord& record);

class JsonlCaptureWriter final : public CaptureSink {
 public:
  explicit JsonlCaptureWriter(std::ostream& out) : out_(out) {}
  void world(std::int64_t ts_us, std::uint64_t seed, const nlohmann::ordered_json& world) override;
  void append(const CaptureRecord& record) override { out_ << capture_line(record) << '\n'; }

 private:
  std::ostream& out_;
};

}  // namespace clsim::sim
