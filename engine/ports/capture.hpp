// Capture port: where an engine appends what it was asked and what it decided,
// in the capture format (docs/CONTRACTS.md) that `clsim replay` reads. Optional: an
// engine without a sink captures nothing. Production gives it a JSON Lines file
// (adapters/jsonl_capture.hpp), so production logs and simulated logs are one format.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::engine {

// The type of a capture's optional first line: the world it ran in.
inline constexpr const char* kCaptureWorldType = "clsim:world:v1:config";

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

}  // namespace clsim::engine
