// A sandboxed Lua 5.4 state for scenario scripts: no os, io, debug, loadfile,
// dofile, string.dump or C modules; `load` of text only; `require` from lib/
// beside the script; `pairs` in sorted key order; a step limit that pcall cannot
// swallow and a memory limit, so a runaway script becomes exit code 2.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

struct lua_State;
struct lua_Debug;

namespace clsim::sim::lua {

struct SandboxLimits {
  std::uint64_t steps_max = 400'000'000;   // VM instructions (a few seconds), counted every 1000
  std::size_t memory_max_bytes = 512u << 20;
};

class Sandbox {
 public:
  // `lib_dir` is where require(name) looks for <name>.lua.
  Sandbox(std::string lib_dir, SandboxLimits limits);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  lua_State* state() { return L_; }
  // math.random draws from here (the world's seeded "lua" stream).
  void set_random_source(std::function<std::uint64_t()> next_u64) { random_ = std::move(next_u64); }

  // Loads text as a chunk named "@chunk_name" (so messages say file:line) and runs
  // it. False with `error` set on a syntax or runtime error.
  bool run_chunk(const std::string& text, const std::string& chunk_name, std::string& error);

  bool step_limit_hit() const { return steps_exceeded_; }
  bool memory_limit_hit() const { return memory_exceeded_; }
  // "FILE:LINE" of the script line running when a limit was first hit ("" if none
  // was, or no script line was running): an error caught by a pcall in the script
  // and raised again elsewhere would name another place, or none.
  const std::string& limit_where() const { return limit_where_; }

 private:
  static void* allocate(void* ud, void* ptr, std::size_t old_size, std::size_t new_size);
  static void count_hook(lua_State* L, ::lua_Debug* ar);
  static int lua_random(lua_State* L);
  static int lua_require(lua_State* L);
  static int lua_load_text(lua_State* L);
  void install_globals();
  // Sets limit_where() to the innermost script line on L's stack, once.
  void note_where(lua_State* L);

  lua_State* L_ = nullptr;
  std::string lib_dir_;
  SandboxLimits limits_;
  std::size_t memory_used_ = 0;
  std::uint64_t steps_ = 0;
  int hook_every_ = 0;  // instructions between count hooks
  std::string limit_where_;
  bool steps_exceeded_ = false;
  bool memory_exceeded_ = false;
  std::function<std::uint64_t()> random_;
};

// The Sandbox that owns L (stored in the registry at creation).
Sandbox& sandbox_of(lua_State* L);

}  // namespace clsim::sim::lua
