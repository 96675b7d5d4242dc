#include "sim/lua/table_reader.hpp"

#include <algorithm>
#include <cstring>

#include <lua.hpp>

namespace clsim::sim::lua {

TableReader::TableReader(lua_State* L, int index, std::string where)
    : L_(L), index_(lua_absindex(L, index)), where_(std::move(where)) {
  if (!lua_istable(L_, index_))
    luaL_error(L_, "%s: expected a table, got %s", where_.c_str(), luaL_typename(L_, index_));
}

void TableReader::fail(const std::string& message) const { luaL_error(L_, "%s", message.c_str()); std::abort(); }

std::vector<std::string> TableReader::keys() const {
  std::vector<std::string> out;
  lua_pushnil(L_);
  while (lua_next(L_, index_)) {
    lua_pop(L_, 1);
    if (lua_type(L_, -1) == LUA_TSTRING) out.emplace_back(lua_tostring(L_, -1));
    else if (lua_type(L_, -1) != LUA_TNUMBER) {
      lua_pop(L_, 1);
      fail(where_ + ": keys must be names");
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void TableReader::allow_only(std::initializer_list<const char*> allowed) const {
  allow_only(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void TableReader::allow_only(const std::vector<std::string>& allowed) const {
  for (const auto& k : keys()) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || k == a;
    if (!ok) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(where_ + ": unknown key '" + k + "' (expected one of: " + list + ")");
    }
  }
}

int TableReader::type_of(const char* key) const {
  lua_getfield(L_, index_, key);
  const int t = lua_type(L_, -1);
  lua_pop(L_, 1);
  return t;
}

bool TableReader::has(const char* key) const { return type_of(key) != LUA_TNIL; }

void TableReader::wrong_type(const char* key, const char* expected) const {
  lua_getfield(L_, index_, key);
  const std::string got = luaL_typename(L_, -1);
  lua_pop(L_, 1);
  fail(path(key) + ": expected " + expected + ", got " + got);
}

std::optional<std::int64_t> TableReader::integer(const char* key) const {
  lua_getfield(L_, index_, key);
  if (lua_isnil(L_, -1)) return lua_pop(L_, 1), std::nullopt;
  int isnum = 0;
  const lua_Integer v = lua_tointegerx(L_, -1, &isnum);
  const bool is_number = lua_type(L_, -1) == LUA_TNUMBER;
  lua_pop(L_, 1);
  if (!is_number || !isnum) wrong_type(key, "an integer");
  return v;
}

std::optional<double> TableReader::number(const char* key) const {
  lua_getfield(L_, index_, key);
  if (lua_isnil(L_, -1)) return lua_pop(L_, 1), std::nullopt;
  const bool ok = lua_type(L_, -1) == LUA_TNUMBER;
  const double v = lua_tonumber(L_, -1);
  lua_pop(L_, 1);
  if (!ok) wrong_type(key, "a number");
  return v;
}

std::optional<bool> TableReader::boolean(const char* key) const {
  lua_getfield(L_, index_, key);
  if (lua_isnil(L_, -1)) return lua_pop(L_, 1), std::nullopt;
  const bool ok = lua_type(L_, -1) == LUA_TBOOLEAN;
  const bool v = lua_toboolean(L_, -1);
  lua_pop(L_, 1);
  if (!ok) wrong_type(key, "a boolean");
  return v;
}

std::optional<std::string> TableReader::string(const char* key) const {
  lua_getfield(L_, index_, key);
  if (lua_isnil(L_, -1)) return lua_pop(L_, 1), std::nullopt;
  const bool ok = lua_type(L_, -1) == LUA_TSTRING;
  size_t len = 0;
  const char* s = ok ? lua_tolstring(L_, -1, &len) : nullptr;
  std::string v = ok ? std::string(s, len) : std::string();
  lua_pop(L_, 1);
  if (!ok) wrong_type(key, "a string");
  return v;
}

int TableReader::push_table(const char* key) const {
  lua_getfield(L_, index_, key);
  if (lua_isnil(L_, -1)) return lua_pop(L_, 1), 0;
  if (!lua_istable(L_, -1)) {
    lua_pop(L_, 1);
    wrong_type(key, "a table");
  }
  return lua_gettop(L_);
}

std::int64_t TableReader::required_integer(const char* key) const {
  auto v = integer(key);
  if (!v) fail(path(key) + " is required");
  return *v;
}

}  // namespace clsim::sim::lua
