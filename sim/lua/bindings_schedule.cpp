// fault_schedule{...}: faults that fire at named calls instead of at random (see
// mocks/fault_schedule.hpp). What `clsim shrink` writes, so a reduced failure
// needs no random fault decisions to come back.
#include <algorithm>

#include <lua.hpp>

#include "mocks/fault_schedule.hpp"
#include "sim/lua/binding_guard.hpp"
#include "sim/lua/scenario_context.hpp"
#include "sim/lua/table_reader.hpp"

namespace clsim::sim::lua {

namespace {

mocks::ScheduledFault read_entry(lua_State* L, int index, const std::string& where) {
  TableReader t(L, index, where);
  t.allow_only({"at", "fault", "on", "nth"});
  mocks::ScheduledFault e;
  const std::int64_t at = t.required_integer("at");
  if (at < 0) t.fail(t.path("at") + ": expected a time >= 0 since the scenario start");
  e.at = TimePoint{} + Duration(at);
  const auto fault = t.string("fault");
  if (!fault) t.fail(t.path("fault") + ": required (a fault key, e.g. \"twitter_error\")");
  const auto& known = mocks::schedulable_faults();
  if (std::find(known.begin(), known.end(), *fault) == known.end())
    t.fail(t.path("fault") + ": unknown fault '" + *fault + "'");
  e.fault = *fault;
  const auto on = t.string("on");
  if (!on) t.fail(t.path("on") + ": required (the call it hits, as clsim shrink writes it)");
  e.on = *on;
  if (auto n = t.integer("nth")) {
    if (*n < 1) t.fail(t.path("nth") + ": expected >= 1");
    e.nth = int(*n);
  }
  return e;
}

// fault_schedule{ {at = seconds(90), fault = "twitter_error", on = "POST /2/tweets c-1", nth = 1}, ... }
// A declaration like world{}: from the world's first moment only the schedule
// decides the faults the mocks would draw at random; `at` counts from the start.
int l_fault_schedule(lua_State* L) {
  return guarded(L, [&] {
    auto& ctx = context_of(L);
    if (ctx.world_exists()) luaL_error(L, "fault_schedule{} must come before the first action");
    luaL_checktype(L, 1, LUA_TTABLE);
    std::vector<mocks::ScheduledFault> entries;
    const lua_Integer n = lua_Integer(lua_rawlen(L, 1));
    for (lua_Integer i = 1; i <= n; ++i) {
      if (lua_rawgeti(L, 1, i) != LUA_TTABLE) luaL_error(L, "fault_schedule[%d]: expected a table", int(i));
      entries.push_back(read_entry(L, lua_gettop(L), "fault_schedule[" + std::to_string(i) + "]"));
      lua_pop(L, 1);
    }
    ctx.declare_fault_schedule(std::move(entries));
    return 0;
  });
}

}  // namespace

void register_schedule_api(lua_State* L) { lua_register(L, "fault_schedule", l_fault_schedule); }

}  // namespace clsim::sim::lua
