#include "mocks/knob_reader.hpp"
#include "mocks/websocket/websocket_types.hpp"

namespace clsim::mocks {


std::string merge_websocket_faults(WebSocketFaultConfig& config, const nlohmann::json& table) {
  if (!table.is_object()) return "faults.websocket: expected a table";
  WebSocketFaultConfig next = config;
  for (const auto& [key, v] : table.items()) {
    const std::string where = "faults.websocket." + key;
    std::string err;
    if (key == "disconnect_rate") {
      err = knobs::read(v, where, next.disconnect_rate);
    } else if (key == "slow_clients") {
      err = knobs::read(v, where, next.slow_clients);
    } else {
      err = "faults.websocket: unknown key '" + key + "'";
    }
    if (!err.empty()) return err;
  }
  config = next;
  return {};
}

}  // namespace clsim::mocks
