// The core of the scenario API: scenario{}, time helpers, run_for,
// run_until_quiet, now and check.
#include <lua.hpp>

#include "sim/lua/binding_guard.hpp"
#include "sim/lua/scenario_context.hpp"
#include "sim/lua/table_reader.hpp"

namespace clsim::sim::lua {

namespace {

template <std::int64_t kUnitUs>
int time_helper(lua_State* L) {
  if (lua_isinteger(L, 1)) {
    lua_pushinteger(L, luaL_checkinteger(L, 1) * kUnitUs);
  } else {
    // Fractions are allowed (ms(0.5)) and rounded down to whole microseconds.
    const double v = luaL_checknumber(L, 1) * double(kUnitUs);
    lua_pushinteger(L, lua_Integer(v));
  }
  return 1;
}

Duration check_duration(lua_State* L, int arg) {
  const lua_Integer us = luaL_checkinteger(L, arg);
  luaL_argcheck(L, us >= 0, arg, "duration must be >= 0 microseconds");
  return Duration(us);
}

int l_scenario(lua_State* L) {
  return guarded(L, [&] {
    auto& ctx = context_of(L);
    if (ctx.world_exists()) luaL_error(L, "scenario{} must come before the world starts (first action or world{})");
    TableReader t(L, 1, "scenario");
    t.allow_only({"name", "seed", "max_time", "description"});
    auto seed = t.integer("seed");
    if (seed && *seed < 0) t.fail("scenario.seed: expected an integer >= 0");
    auto max_time = t.integer("max_time");
    if (max_time && *max_time <= 0) t.fail("scenario.max_time: expected a duration > 0");
    ctx.declare_scenario(t.string("name").value_or(""),
                         seed ? std::optional<std::uint64_t>(std::uint64_t(*seed)) : std::nullopt,
                         max_time ? std::optional<Duration>(Duration(*max_time)) : std::nullopt);
    return 0;
  });
}

int l_run_for(lua_State* L) {
  return guarded(L, [&] {
    const Duration d = check_duration(L, 1);
    auto& world = context_of(L).world();
    world.run_for(d);
    raise_if_fatal(L, world);
    return 0;
  });
}

int l_run_until_quiet(lua_State* L) {
  return guarded(L, [&] {
    auto& world = context_of(L).world();
    const bool quiet = world.run_until_quiet();
    raise_if_fatal(L, world);
    lua_pushboolean(L, quiet);
    return 1;
  });
}

int l_now(lua_State* L) {
  return guarded(L, [&] {
    lua_pushinteger(L, engine::to_us(context_of(L).world().now()));
    return 1;
  });
}

// Calls the function stored at registry `ref` with no arguments; a Lua error is
// recorded on the context (the run ends with exit 2), never thrown into C++.
void call_ref(lua_State* L, int ref) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    const char* m = lua_tostring(L, -1);
    context_of(L).set_callback_error(m ? m : "error in callback");
    lua_pop(L, 1);
  }
}

// after(delay, fn): runs fn at now + delay of virtual time, as its own event.
int l_after(lua_State* L) {
  return guarded(L, [&] {
    const Duration d = check_duration(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    const int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    auto& world = context_of(L).world();
    world.scheduler().schedule(d, 0, TimerKind::foreground, "lua:after", [L, ref](boost::system::error_code ec) {
      if (!ec) call_ref(L, ref);
      luaL_unref(L, LUA_REGISTRYINDEX, ref);
    });
    return 0;
  });
}

int l_check(lua_State* L) {
  return guarded(L, [&] {
    luaL_checkany(L, 1);
    const bool ok = lua_toboolean(L, 1);
    const char* message = luaL_optstring(L, 2, "check failed");
    auto& world = context_of(L).world();
    world.count_check();
    if (!ok) {
      lua_Debug ar{};
      CheckFailure f;
      f.message = message;
      if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
        f.file = ar.short_src;
        f.line = ar.currentline;
      }
      world.trace().append(engine::to_us(world.now()), 0, "check_failed",
                           {{"line", f.line}, {"message", f.message}});
      world.add_check_failure(std::move(f));
    }
    lua_pushboolean(L, ok);
    return 1;
  });
}

}  // namespace

void register_core_api(lua_State* L) {
  const luaL_Reg fns[] = {{"scenario", l_scenario},
                          {"ms", time_helper<1000>},
                          {"seconds", time_helper<1000000>},
                          {"minutes", time_helper<60LL * 1000000>},
                          {"hours", time_helper<3600LL * 1000000>},
                          {"days", time_helper<86400LL * 1000000>},
                          {"run_for", l_run_for},
                          {"run_until_quiet", l_run_until_quiet},
                          {"now", l_now},
                          {"check", l_check},
                          {"after", l_after},
                          {nullptr, nullptr}};
  lua_pushglobaltable(L);
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 1);
}

}  // namespace clsim::sim::lua
