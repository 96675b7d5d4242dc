// Reading campaign{} and update{} tables into engine types: every field is named
// in errors, all four rates are required, and the engine's own validation rules
// apply (one set of rules, not a copy).
#pragma once
#include <string>

#include "engine/engine.hpp"

struct lua_State;

namespace clsim::sim::lua {

// Raises a Lua error naming the field on any bad input.
engine::CampaignSpec read_campaign_spec(lua_State* L, int index);
engine::CampaignUpdate read_campaign_update(lua_State* L, int index);
// The campaign id from a handle table ({id = "c-1"}) or an id string.
std::string campaign_id_arg(lua_State* L, int index);
// Pushes a handle {id = ...}.
void push_campaign_handle(lua_State* L, const std::string& id);
// Pushes `true` or `false, reason`; returns the number of values.
int push_command_result(lua_State* L, const engine::CommandResult& r);

}  // namespace clsim::sim::lua
