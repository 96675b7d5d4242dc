#include "mocks/redis/bus_faults.hpp"

#include "mocks/knob_reader.hpp"

namespace clsim::mocks {


std::string merge_bus_faults(BusFaultConfig& config, const nlohmann::json& table) {
  if (!table.is_object()) return "faults.bus: expected a table";
  BusFaultConfig next = config;
  for (const auto& [key, v] : table.items()) {
    const std::string where = "faults.bus." + key;
    std::string err;
    if (key == "duplicate_rate") err = knobs::read(v, where, next.duplicate_rate);
    else if (key == "partition_rate") err = knobs::read(v, where, next.partition_rate);
    else if (key == "delay_min") err = knobs::read(v, where, next.delay_min);
    else if (key == "delay_max") err = knobs::read(v, where, next.delay_max);
    else if (key == "reorder") err = knobs::read(v, where, next.reorder);
    else err = "faults.bus: unknown key '" + key + "'";
    if (!err.empty()) return err;
  }
  if (next.delay_min > next.delay_max && next.delay_max.count() > 0) return "faults.bus: delay_min > delay_max";
  config = next;
  return {};
}

}  // namespace clsim::mocks
