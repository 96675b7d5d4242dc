// Runs one scenario script to its end: the script, then the world until quiet,
// then the final checks. The result says pass (0), fail (1), bad input (2) or
// harness error (3), and keeps the world for the report.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "sim/lua/scenario_context.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim::lua {

struct ScriptResult {
  int exit_code = 3;
  std::string error;  // "FILE:LINE: what is wrong" for exit 2; the reason for 3
  std::string scenario_name;
  std::uint64_t seed = 1;
  std::string script_sha256;
  std::unique_ptr<Simulation> sim;  // null when the script never ran
};

// `on_world` runs once the world exists (e.g. to attach a trace sink).
ScriptResult run_script(const ScriptOptions& options, const std::function<void(World&)>& on_world = {});

// Runs a Lua file (clsim replay --check) with the scenario API against the world
// `ctx` already holds; its failed checks land in that world. False with
// "FILE:LINE: message" in `error` when the file cannot be read or raises.
bool run_check_file(ScenarioContext& ctx, const std::string& path, std::string& error);

}  // namespace clsim::sim::lua
