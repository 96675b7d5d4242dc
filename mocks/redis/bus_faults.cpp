#include "mocks/redis/bus_faults.hpp"

namespace clsim::mocks {

namespace {

std::string read_rate(const nlohmann::json& v, const std::string& where, double& out) {
  if (!v.is_number() || v.get<double>() < 0.0 || v.get<double>() > 1.0)
    return where + ": expected a rate between 0 and 1";
  out = v.get<double>();
  return {};
}

std::string read_duration(const nlohmann::json& v, const std::string& where, engine::Duration& out) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
    return where + ": expected whole microseconds >= 0 (use ms(), seconds())";
  out = engine::Duration(v.get<std::int64_t>());
  return {};
}

std::string read_bool(const nlohmann::json& v, const std::string& where, bool& out) {
  if (!v.is_boolean()) return where + ": expected true or false";
  out = v.get<bool>();
  return {};
}

}  // namespace

std::string merge_bus_faults(BusFaultConfig& config, const nlohmann::json& table) {
  if (!table.is_object()) return "faults.bus: expected a table";
  BusFaultConfig next = config;
  for (const auto& [key, v] : table.items()) {
    const std::string where = "faults.bus." + key;
    std::string err;
    if (key == "duplicate_rate") err = read_rate(v, where, next.duplicate_rate);
    else if (key == "partition_rate") err = read_rate(v, where, next.partition_rate);
    else if (key == "delay_min") err = read_duration(v, where, next.delay_min);
    else if (key == "delay_max") err = read_duration(v, where, next.delay_max);
    else if (key == "reorder") err = read_bool(v, where, next.reorder);
    else err = "faults.bus: unknown key '" + key + "'";
    if (!err.empty()) return err;
  }
  if (next.delay_min > next.delay_max && next.delay_max.count() > 0) return "faults.bus: delay_min > delay_max";
  config = next;
  return {};
}

}  // namespace clsim::mocks
