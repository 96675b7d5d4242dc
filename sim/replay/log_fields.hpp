// Typed access to one log line's JSON fields: each accessor names the field in
// its error ("FILE:LINE: missing field payload.budget", "... must be an integer"),
// and check_payload holds the per-type payload shapes of the capture format.
#pragma once
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/replay/event_log.hpp"

namespace clsim::sim {

struct LineFields {
  const nlohmann::json& obj;
  std::string where;   // "FILE:LINE: "
  std::string prefix;  // "" or "payload."

  [[noreturn]] void fail(const std::string& what) const;
  std::string string(const std::string& key) const;
  std::string optional_string(const std::string& key) const;
  std::int64_t integer(const std::string& key, std::int64_t min = std::numeric_limits<std::int64_t>::min()) const;
  const nlohmann::json& object(const std::string& key) const;
  nlohmann::json object_or_empty(const std::string& key) const;
};

// Checks the payload fields a line's type needs (wrong JSON types are malformed).
void check_payload(const LogLine& line, const LineFields& top);

}  // namespace clsim::sim
