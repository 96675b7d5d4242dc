// Runs Lua scenario text as a script beside scenarios/lib (for tests that build
// a scenario in code rather than reading a file).
#pragma once
#include <string>

#include "sim/lua/script_runner.hpp"

namespace clsim::testing {

inline sim::lua::ScriptResult run_script_text(const std::string& text, const engine::Mutations& mutations = {},
                                              std::uint64_t seed = 1) {
  sim::lua::ScriptOptions so;
  so.script_path = "scenarios/script_text_test.lua";  // beside scenarios/lib
  so.script_text = text;
  so.seed = seed;
  so.mutations = mutations;
  return sim::lua::run_script(so);
}

}  // namespace clsim::testing
