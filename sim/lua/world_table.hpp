// Reads the fault table shape shared by world{faults=...} and faults{...}:
// services and keys from the fault catalogue (sim/world/fault_keys), each value
// checked against its declared type. Unknown services and keys name themselves.
#pragma once
#include <nlohmann/json.hpp>

struct lua_State;

namespace clsim::sim::lua {

// Reads the table at `index` (named `where` in errors) into {"service": {"key": value}}.
nlohmann::ordered_json read_fault_table(lua_State* L, int index, const char* where);

}  // namespace clsim::sim::lua
