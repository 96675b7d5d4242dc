#include "sim/lua/script_runner.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <lua.hpp>

#include "sim/lua/sandbox.hpp"
#include "sim/world/invariant_checker.hpp"
#include "sim/world/sha256.hpp"

namespace clsim::sim::lua {

namespace {

// Everything a scenario or a check file can call, on one interpreter.
void register_scenario_api(lua_State* L) {
  register_core_api(L);
  register_world_api(L);
  register_campaign_api(L);
  register_rules_api(L);
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

void set_args(lua_State* L, const std::map<std::string, std::string>& args) {
  lua_newtable(L);
  for (const auto& [k, v] : args) {
    lua_pushlstring(L, v.data(), v.size());
    lua_setfield(L, -2, k.c_str());
  }
  lua_setglobal(L, "args");
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The scenario API on the sandbox's interpreter, with the context it acts on and
// the world's "lua" stream behind math.random.
void attach_scenario_api(Sandbox& sandbox, ScenarioContext& ctx) {
  lua_State* L = sandbox.state();
  set_context(L, &ctx);
  register_scenario_api(L);
  sandbox.set_random_source([&ctx]() -> std::uint64_t { return ctx.world().stream("lua").next_u64(); });
}

// The script's text, from the options or its file; false with exit 2 in `result` when unreadable.
bool script_text(const ScriptOptions& options, std::string& text, ScriptResult& result) {
  if (options.script_text) {
    text = *options.script_text;
    return true;
  }
  if (read_file(options.script_path, text)) return true;
  result.exit_code = 2;
  result.error = options.script_path + ": cannot read the script file: " + std::strerror(errno);
  return false;
}

// The script raised (`error`) or one of its callbacks did.
void script_failed(ScriptResult& result, ScenarioContext& ctx, const Sandbox& sandbox, const std::string& path,
                   const std::string& error) {
  if (!ctx.callback_error().empty()) {
    result.exit_code = 2;
    result.error = first_line(ctx.callback_error());
    return;
  }
  // A harness stop raised through the script is a failed run, not bad input.
  if (ctx.world_exists() && !ctx.world().fatal().empty()) {
    result.exit_code = 1;
    result.sim = ctx.take_simulation();
    return;
  }
  result.exit_code = 2;
  result.error = first_line(error);
  if (sandbox.memory_limit_hit())
    result.error = (sandbox.limit_where().empty() ? path : sandbox.limit_where()) + ": memory limit exceeded (" +
                   std::to_string(SandboxLimits{}.memory_max_bytes >> 20) + " MiB): " + result.error;
}

// When the script ends, the world runs until quiet and the final checks run.
void finish_run(ScriptResult& result, ScenarioContext& ctx, const std::string& path) {
  Simulation* sim = nullptr;
  try {
    sim = &ctx.sim();
  } catch (const std::invalid_argument& e) {
    result.exit_code = 2;
    result.error = path + ": " + e.what();
    return;
  }
  World& world = sim->world();
  const bool quiet = world.run_until_quiet();
  if (!ctx.callback_error().empty()) {
    result.exit_code = 2;
    result.error = first_line(ctx.callback_error());
    return;
  }
  if (world.fatal().empty()) sim->invariants().final_check(quiet);
  const bool failed = !world.check_failures().empty() || !world.violations().empty() || !world.fatal().empty();
  result.exit_code = failed ? 1 : 0;
  result.sim = ctx.take_simulation();
}

}  // namespace

ScriptResult run_script(const ScriptOptions& options, const std::function<void(World&)>& on_world) {
  ScriptResult result;
  std::string text;
  if (!script_text(options, text, result)) return result;
  result.script_sha256 = sha256_hex(text);
  const std::string lib_dir = options.lib_dir.empty()
                                  ? (std::filesystem::path(options.script_path).parent_path() / "lib").string()
                                  : options.lib_dir;
  ScenarioContext ctx(options, text);
  Sandbox sandbox(lib_dir, SandboxLimits{});
  attach_scenario_api(sandbox, ctx);
  set_args(sandbox.state(), options.args);
  ctx.set_on_create(on_world);

  std::string error;
  bool ok = sandbox.run_chunk(text, options.script_path, error);
  result.scenario_name = ctx.name();
  result.seed = ctx.effective_seed();
  if (ok && !ctx.callback_error().empty()) {
    ok = false;
    error = ctx.callback_error();
  }
  if (ok) finish_run(result, ctx, options.script_path);
  else script_failed(result, ctx, sandbox, options.script_path, error);
  return result;
}

bool run_check_file(ScenarioContext& ctx, const std::string& path, std::string& error) {
  std::string text;
  if (!read_file(path, text)) {
    error = path + ": cannot read the check file: " + std::strerror(errno);
    return false;
  }
  Sandbox sandbox((std::filesystem::path(path).parent_path() / "lib").string(), SandboxLimits{});
  attach_scenario_api(sandbox, ctx);
  if (!sandbox.run_chunk(text, path, error)) {
    error = first_line(error);
    return false;
  }
  if (!ctx.callback_error().empty()) {
    error = first_line(ctx.callback_error());
    return false;
  }
  return true;
}

}  // namespace clsim::sim::lua
