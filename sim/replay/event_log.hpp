// The capture format (docs/CONTRACTS.md "Capture format"): a JSON Lines event log read
// into typed lines. Comments and blank lines are skipped, HashBuzz names are mapped
// to canonical ones, and every problem is a LogError "FILE:LINE: what is wrong".
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/ports/capture.hpp"

namespace clsim::sim {

inline constexpr const char* kWorldConfigType = engine::kCaptureWorldType;

// What a line asks of a replay.
enum class LineKind { command, observation, outcome };

struct LogLine {
  int line = 0;  // 1-based line number in the file
  std::int64_t ts_us = 0;
  std::string type;  // canonical
  std::string event_id;
  std::string campaign_id, user_id;  // "" when absent
  nlohmann::json payload = nlohmann::json::object();
  LineKind kind = LineKind::outcome;
  bool repeated = false;  // its event_id appeared on an earlier line: a duplicate delivery
  std::string text;       // the line as written (minimize keeps it verbatim)
};

struct WorldLine {
  int line = 0;
  std::int64_t ts_us = 0;
  std::uint64_t seed = 1;
  nlohmann::ordered_json world = nlohmann::ordered_json::object();
  std::string text;
};

struct EventLog {
  std::string file;
  std::optional<WorldLine> config;
  std::vector<LogLine> lines;
  std::vector<std::string> skipped;  // "FILE:LINE: ..." for unknown types under --lenient
};

struct LogError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Canonical name of a HashBuzz name; the input itself otherwise.
std::string canonical_type(const std::string& type);
// Which lines are commands, observations and recorded outcomes; nullopt: unknown type.
std::optional<LineKind> kind_of(const std::string& canonical);

EventLog parse_event_log(std::string_view text, const std::string& file, bool lenient);
// Reads the file; an unreadable file is a LogError too.
EventLog read_event_log(const std::string& path, bool lenient);

}  // namespace clsim::sim
