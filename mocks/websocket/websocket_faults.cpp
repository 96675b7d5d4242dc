#include "mocks/websocket/websocket_types.hpp"

namespace clsim::mocks {

namespace {

std::string read_rate(const nlohmann::json& v, const std::string& where, double& out) {
  if (!v.is_number() || v.get<double>() < 0.0 || v.get<double>() > 1.0)
    return where + ": expected a rate between 0 and 1";
  out = v.get<double>();
  return {};
}

}  // namespace

std::string merge_websocket_faults(WebSocketFaultConfig& config, const nlohmann::json& table) {
  if (!table.is_object()) return "faults.websocket: expected a table";
  WebSocketFaultConfig next = config;
  for (const auto& [key, v] : table.items()) {
    const std::string where = "faults.websocket." + key;
    std::string err;
    if (key == "disconnect_rate") {
      err = read_rate(v, where, next.disconnect_rate);
    } else if (key == "slow_clients") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 1'000'000)
        err = where + ": expected a whole number of clients >= 0";
      else next.slow_clients = int(v.get<std::int64_t>());
    } else {
      err = "faults.websocket: unknown key '" + key + "'";
    }
    if (!err.empty()) return err;
  }
  config = next;
  return {};
}

}  // namespace clsim::mocks
