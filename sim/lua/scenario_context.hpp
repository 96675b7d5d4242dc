// What one scenario script run holds: its options, what scenario{} and world{}
// declared, and the world, created on the first action that needs it (so the
// effective seed is known: --seed, else the script's, else 1).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "sim/world/simulation.hpp"

struct lua_State;

namespace clsim::sim::lua {

struct ScriptOptions {
  std::string script_path;
  std::optional<std::uint64_t> seed;            // --seed: wins over the script
  std::map<std::string, std::string> args;      // --set KEY=VALUE -> global `args`
  std::string lib_dir;                          // empty: lib/ beside the script
  std::optional<std::uint64_t> max_events;      // --max-events
  engine::Mutations mutations;                  // --mutate (harness self-tests only)
  Trace::Sink trace_sink;                       // --trace
  std::optional<std::string> script_text;       // run this text as script_path (clsim shrink)
  bool record_faults = false;                   // keep the faults that fire (clsim shrink)
  bool observe_failures = false;                // keep the failed outside calls (clsim run --capture)
  engine::CaptureSink* engine_capture = nullptr;  // the engines' capture sink (clsim run --capture)
};

class ScenarioContext {
 public:
  ScenarioContext(ScriptOptions options, std::string script_text)
      : options_(std::move(options)), script_text_(std::move(script_text)) {}

  const std::string& script_text() const { return script_text_; }
  std::uint64_t effective_seed() const { return options_.seed ? *options_.seed : script_seed_.value_or(1); }

  // Declarations, allowed only before the world exists.
  void declare_scenario(std::string name, std::optional<std::uint64_t> seed, std::optional<Duration> max_time);
  void declare_world(nlohmann::ordered_json world);
  // fault_schedule{}: entries' `at` count from the start.
  void declare_fault_schedule(std::vector<mocks::ScheduledFault> entries) { fault_schedule_ = std::move(entries); }
  bool world_exists() const { return sim_ != nullptr; }
  const std::string& name() const { return name_; }

  // The simulation, created on first use. A bad world{} table raises
  // std::invalid_argument naming the key.
  Simulation& sim();
  World& world() { return sim().world(); }
  // A Lua error inside a scheduled callback ends the run as bad input (exit 2).
  void set_callback_error(std::string message);
  const std::string& callback_error() const { return callback_error_; }
  // Runs once, right after the world is created (before any event).
  void set_on_create(std::function<void(World&)> fn) { on_create_ = std::move(fn); }
  std::unique_ptr<Simulation> take_simulation() { return std::move(sim_); }

 private:
  ScriptOptions options_;
  std::string script_text_;
  std::string name_;
  std::optional<std::uint64_t> script_seed_;
  std::optional<Duration> max_time_;
  nlohmann::ordered_json world_table_ = nlohmann::ordered_json::object();
  std::optional<std::vector<mocks::ScheduledFault>> fault_schedule_;
  std::unique_ptr<Simulation> sim_;
  std::function<void(World&)> on_create_;
  std::string callback_error_;
};

ScenarioContext& context_of(lua_State* L);
void set_context(lua_State* L, ScenarioContext* ctx);

// Registers the API functions (scenario, world, time helpers, run_for, ...).
void register_core_api(lua_State* L);
void register_world_api(lua_State* L);     // with register_schedule_api
void register_schedule_api(lua_State* L);  // sim/lua/bindings_schedule.cpp
void register_campaign_api(lua_State* L);
void register_rules_api(lua_State* L);  // sim/lua/bindings_rules.cpp

}  // namespace clsim::sim::lua
