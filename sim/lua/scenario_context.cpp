#include "sim/lua/scenario_context.hpp"

#include <lua.hpp>

namespace clsim::sim::lua {

namespace {
const char* const kContextKey = "clsim.context";
}

ScenarioContext& context_of(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kContextKey);
  auto* ctx = static_cast<ScenarioContext*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *ctx;
}

void set_context(lua_State* L, ScenarioContext* ctx) {
  lua_pushlightuserdata(L, ctx);
  lua_setfield(L, LUA_REGISTRYINDEX, kContextKey);
}

void ScenarioContext::declare_scenario(std::string name, std::optional<std::uint64_t> seed,
                                       std::optional<Duration> max_time) {
  name_ = std::move(name);
  if (seed) script_seed_ = seed;
  if (max_time) max_time_ = max_time;
}

void ScenarioContext::declare_world(nlohmann::ordered_json world) { world_table_ = std::move(world); }

void ScenarioContext::set_callback_error(std::string message) {
  if (!callback_error_.empty()) return;
  callback_error_ = std::move(message);
  world().set_fatal("Lua error in a callback: " + callback_error_);
}

Simulation& ScenarioContext::sim() {
  if (!sim_) {
    WorldConfig cfg;
    cfg.seed = effective_seed();
    if (max_time_) cfg.max_time = *max_time_;
    if (options_.max_events) cfg.max_events = *options_.max_events;
    cfg.world = world_table_;
    cfg.fault_schedule = fault_schedule_;
    cfg.record_faults = options_.record_faults;
    cfg.observe_failures = options_.observe_failures;
    cfg.engine_capture = options_.engine_capture;
    cfg.trace_sink = options_.trace_sink;
    sim_ = std::make_unique<Simulation>(std::move(cfg), script_text_, options_.mutations);
    if (on_create_) on_create_(sim_->world());
  }
  return *sim_;
}

}  // namespace clsim::sim::lua
