#include "sim/lua/sandbox.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <lua.hpp>

namespace clsim::sim::lua {

namespace {
constexpr int kHookEvery = 1000;
const char* const kSandboxKey = "clsim.sandbox";

// Sorted pairs: keys ordered by type name, then value for numbers, strings and
// booleans, because Lua 5.4 randomises string-key iteration order per process.
constexpr const char* kPrelude = R"lua(
local next, type, sort, getmetatable = next, type, table.sort, getmetatable
local function cmp(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return (not a) and b end
  return false
end
pairs = function(t)
  local mt = getmetatable(t)
  if mt and mt.__pairs then return mt.__pairs(t) end
  local keys = {}
  for k in next, t do keys[#keys + 1] = k end
  sort(keys, cmp)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end, t, nil
end
)lua";

bool valid_module_name(const std::string& name) {
  if (name.empty() || name.size() > 100) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}
}  // namespace

Sandbox& sandbox_of(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kSandboxKey);
  auto* s = static_cast<Sandbox*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *s;
}

Sandbox::Sandbox(std::string lib_dir, SandboxLimits limits) : lib_dir_(std::move(lib_dir)), limits_(limits) {
  L_ = lua_newstate(&Sandbox::allocate, this);
  if (!L_) std::abort();
  lua_pushlightuserdata(L_, this);
  lua_setfield(L_, LUA_REGISTRYINDEX, kSandboxKey);
  install_globals();
  hook_every_ = kHookEvery;
  lua_sethook(L_, &Sandbox::count_hook, LUA_MASKCOUNT, hook_every_);
}

Sandbox::~Sandbox() {
  if (L_) lua_close(L_);
}

void* Sandbox::allocate(void* ud, void* ptr, std::size_t old_size, std::size_t new_size) {
  auto* self = static_cast<Sandbox*>(ud);
  const std::size_t old_counted = ptr ? old_size : 0;
  if (new_size == 0) {
    self->memory_used_ -= old_counted;
    std::free(ptr);
    return nullptr;
  }
  if (new_size > old_counted && self->memory_used_ + (new_size - old_counted) > self->limits_.memory_max_bytes) {
    // Reading the stack here is what Lua's own "not enough memory" error does
    // next (the running function's pc is saved before anything that allocates),
    // and "Sl" allocates nothing.
    if (!self->memory_exceeded_ && self->L_) self->note_where(self->L_);
    self->memory_exceeded_ = true;
    return nullptr;  // Lua raises "not enough memory"
  }
  void* p = std::realloc(ptr, new_size);
  if (p) self->memory_used_ = self->memory_used_ - old_counted + new_size;
  return p;
}

void Sandbox::note_where(lua_State* L) {
  if (!limit_where_.empty()) return;
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar); ++level) {
    if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || ar.source[0] != '@') continue;
    limit_where_ = std::string(ar.short_src) + ":" + std::to_string(ar.currentline);
    return;
  }
}

void Sandbox::count_hook(lua_State* L, lua_Debug*) {
  Sandbox& self = sandbox_of(L);
  self.steps_ += std::uint64_t(self.hook_every_);
  if (!self.steps_exceeded_ && self.steps_ > self.limits_.steps_max) {
    self.steps_exceeded_ = true;
    self.note_where(L);
  }
  // Sticky: once over the limit every further hook raises again, so a pcall in
  // the script cannot swallow it for good; each names where the limit hit.
  if (self.steps_exceeded_) {
    self.hook_every_ = 1;
    lua_sethook(L, &Sandbox::count_hook, LUA_MASKCOUNT, 1);
    const std::string where = self.limit_where_.empty() ? "" : self.limit_where_ + ": ";
    lua_pushfstring(L, "%sstep limit exceeded (%I VM instructions): an endless loop?", where.c_str(),
                    lua_Integer(self.limits_.steps_max));
    lua_error(L);
  }
}

int Sandbox::lua_random(lua_State* L) {
  Sandbox& self = sandbox_of(L);
  if (!self.random_) return luaL_error(L, "math.random is not available before the world exists");
  const std::uint64_t x = self.random_();
  const int n = lua_gettop(L);
  if (n == 0) {
    lua_pushnumber(L, double(x >> 11) * 0x1.0p-53);
    return 1;
  }
  lua_Integer lo = 1, hi;
  if (n == 1) {
    hi = luaL_checkinteger(L, 1);
  } else {
    lo = luaL_checkinteger(L, 1);
    hi = luaL_checkinteger(L, 2);
  }
  luaL_argcheck(L, lo <= hi, n, "interval is empty");
  const std::uint64_t span = std::uint64_t(hi) - std::uint64_t(lo) + 1;
  // Rejection keeps the result unbiased; span 0 means the full 64-bit range.
  std::uint64_t v = x;
  if (span != 0) {
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % span + 1) % span;
    while (v > limit) v = self.random_();
    v %= span;
  }
  lua_pushinteger(L, lua_Integer(std::uint64_t(lo) + v));
  return 1;
}

int Sandbox::lua_require(lua_State* L) {
  Sandbox& self = sandbox_of(L);
  const std::string name = luaL_checkstring(L, 1);
  if (!valid_module_name(name)) return luaL_error(L, "require: invalid module name '%s'", name.c_str());
  lua_getfield(L, LUA_REGISTRYINDEX, "clsim.loaded");
  lua_getfield(L, -1, name.c_str());
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  const std::string path = self.lib_dir_ + "/" + name + ".lua";
  std::ifstream in(path, std::ios::binary);
  if (!in) return luaL_error(L, "require: no module '%s' (looked for %s)", name.c_str(), path.c_str());
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (luaL_loadbufferx(L, text.data(), text.size(), ("@" + path).c_str(), "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name.c_str());
  return 1;
}

int Sandbox::lua_load_text(lua_State* L) {
  size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  const char* name = luaL_optstring(L, 2, "=(load)");
  const int env = lua_isnoneornil(L, 4) ? 0 : 4;
  if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (env) {
    lua_pushvalue(L, env);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

void Sandbox::install_globals() {
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},        {LUA_TABLIBNAME, luaopen_table},
                                  {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8},  {LUA_COLIBNAME, luaopen_coroutine}};
  for (const auto& lib : libs) {
    luaL_requiref(L_, lib.name, lib.func, 1);
    lua_pop(L_, 1);
  }
  for (const char* g : {"dofile", "loadfile", "collectgarbage", "require"}) {
    lua_pushnil(L_);
    lua_setglobal(L_, g);
  }
  lua_getglobal(L_, "string");
  lua_pushnil(L_);
  lua_setfield(L_, -2, "dump");
  lua_pop(L_, 1);
  lua_getglobal(L_, "math");
  lua_pushcfunction(L_, &Sandbox::lua_random);
  lua_setfield(L_, -2, "random");
  lua_pushnil(L_);
  lua_setfield(L_, -2, "randomseed");
  lua_pop(L_, 1);
  lua_pushcfunction(L_, &Sandbox::lua_require);
  lua_setglobal(L_, "require");
  lua_pushcfunction(L_, &Sandbox::lua_load_text);
  lua_setglobal(L_, "load");
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, "clsim.loaded");
  std::string err;
  if (luaL_loadbufferx(L_, kPrelude, std::strlen(kPrelude), "=prelude", "t") != LUA_OK ||
      lua_pcall(L_, 0, 0, 0) != LUA_OK)
    std::abort();  // the prelude is ours; failing to load it is a harness bug
}

namespace {
int traceback(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (!msg) msg = luaL_tolstring(L, 1, nullptr);
  luaL_traceback(L, L, msg, 1);
  return 1;
}
}  // namespace

bool Sandbox::run_chunk(const std::string& text, const std::string& chunk_name, std::string& error) {
  lua_pushcfunction(L_, traceback);
  const int handler = lua_gettop(L_);
  if (luaL_loadbufferx(L_, text.data(), text.size(), ("@" + chunk_name).c_str(), "t") != LUA_OK) {
    error = lua_tostring(L_, -1);
    lua_settop(L_, handler - 1);
    return false;
  }
  const int rc = lua_pcall(L_, 0, 0, handler);
  if (rc != LUA_OK) {
    const char* m = lua_tostring(L_, -1);
    error = m ? m : "unknown Lua error";
    lua_settop(L_, handler - 1);
    return false;
  }
  lua_settop(L_, handler - 1);
  return true;
}

}  // namespace clsim::sim::lua
