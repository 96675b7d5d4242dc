// Every binding's C++ work runs inside `guarded`, so a C++ exception becomes a
// Lua error with a message instead of escaping through the interpreter. Lua's own
// errors (C++-built Lua throws them as exceptions) pass through untouched.
#pragma once
#include <exception>
#include <stdexcept>
#include <string>

#include <lua.hpp>

#include "engine/ports/hooks.hpp"
#include "sim/world/world.hpp"

namespace clsim::sim::lua {

// A harness stop (livelock, event budget) ends the script: raised on every later
// call too, so a pcall in the script cannot carry on past it.
inline void raise_if_fatal(lua_State* L, const World& world) {
  if (!world.fatal().empty()) luaL_error(L, "run stopped: %s", world.fatal().c_str());
}

template <class F>
int guarded(lua_State* L, F&& body) {
  std::string message;
  try {
    return body();
  } catch (const std::invalid_argument& e) {
    message = e.what();  // bad input named by the simulation (e.g. a world{} key)
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
  } catch (const engine::AssertionFailure& a) {
    message = a.message;
  } catch (const engine::CrashSignal& c) {
    message = "unexpected crash point outside the event loop: " + c.point;
  }
  return luaL_error(L, "%s", message.c_str());
}

}  // namespace clsim::sim::lua
