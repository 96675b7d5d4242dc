// Reads fault knobs from a JSON table (a `world.faults.<service>` table as the Lua
// layer hands it over): rates as numbers, flags as booleans, durations as integer
// microseconds. Shared by every mock and the disk; errors name the key.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"

namespace clsim::mocks::knobs {

inline std::string read(const nlohmann::json& v, const std::string& key, double& out) {
  if (!v.is_number()) return key + ": expected a number";
  const double x = v.get<double>();
  if (x < 0 || x > 1) return key + ": expected a rate in [0, 1]";
  out = x;
  return {};
}

inline std::string read(const nlohmann::json& v, const std::string& key, bool& out) {
  if (!v.is_boolean()) return key + ": expected true or false";
  out = v.get<bool>();
  return {};
}

inline std::string read(const nlohmann::json& v, const std::string& key, engine::Duration& out) {
  if (!v.is_number_integer()) return key + ": expected integer microseconds";
  const std::int64_t us = v.get<std::int64_t>();
  if (us < 0) return key + ": expected a duration >= 0";
  out = engine::Duration(us);
  return {};
}

inline std::string read(const nlohmann::json& v, const std::string& key, std::int64_t& out) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0) return key + ": expected an integer >= 0";
  out = v.get<std::int64_t>();
  return {};
}

inline std::string read(const nlohmann::json& v, const std::string& key, int& out) {
  std::int64_t x = 0;
  if (auto err = read(v, key, x); !err.empty()) return err;
  if (x > 100'000'000) return key + ": too large";
  out = int(x);
  return {};
}

}  // namespace clsim::mocks::knobs
