#include "sim/lua/world_table.hpp"

#include <cstring>
#include <lua.hpp>

#include "sim/lua/table_reader.hpp"
#include "sim/world/fault_keys.hpp"

namespace clsim::sim::lua {

nlohmann::ordered_json read_fault_table(lua_State* L, int index, const char* where) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  TableReader faults(L, index, where);
  for (const auto& service : faults.keys()) {
    bool known = false;
    for (const auto& spec : fault_key_specs()) known = known || service == spec.service;
    if (!known)
      faults.fail(faults.path(service.c_str()) +
                  ": unknown fault service (expected twitter, hedera, bus, websocket or disk)");
    const int sub = faults.push_table(service.c_str());
    TableReader t(L, sub, faults.path(service.c_str()));
    auto& svc = out[service] = nlohmann::ordered_json::object();
    for (const auto& key : t.keys()) {
      const FaultKeySpec* spec = find_fault_key(service, key);
      if (!spec) {
        std::string list;
        for (const auto& s : fault_key_specs())
          if (service == s.service) list += std::string(list.empty() ? "" : ", ") + s.key;
        t.fail(t.path(key.c_str()) + ": unknown fault key (expected one of: " + list + ")");
      }
      const std::string type = spec->type;
      if (type == "rate") {
        const double v = *t.number(key.c_str());
        if (!(v >= 0.0 && v <= 1.0)) t.fail(t.path(key.c_str()) + ": expected a rate in [0, 1]");
        svc[key] = v;
      } else if (type == "bool") {
        svc[key] = *t.boolean(key.c_str());
      } else {
        const auto v = *t.integer(key.c_str());
        if (v < 0) t.fail(t.path(key.c_str()) + ": expected a value >= 0");
        svc[key] = v;
      }
    }
    lua_pop(L, 1);
  }
  return out;
}

}  // namespace clsim::sim::lua
