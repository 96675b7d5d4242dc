// Reads a Lua table argument with errors a script author can act on: unknown
// keys are named (a typo must not silently run a different test), and a wrong
// type names the field and what was expected. Keys are visited in sorted order.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

struct lua_State;

namespace clsim::sim::lua {

class TableReader {
 public:
  // `where` names the table in messages, e.g. "world.audience".
  TableReader(lua_State* L, int index, std::string where);

  // Raises a Lua error naming the first key not in `allowed`.
  void allow_only(std::initializer_list<const char*> allowed) const;
  void allow_only(const std::vector<std::string>& allowed) const;
  std::vector<std::string> keys() const;  // string keys, sorted
  bool has(const char* key) const;

  std::optional<std::int64_t> integer(const char* key) const;
  std::optional<double> number(const char* key) const;
  std::optional<bool> boolean(const char* key) const;
  std::optional<std::string> string(const char* key) const;
  // Pushes the sub-table onto the stack and returns its absolute index, or 0.
  int push_table(const char* key) const;

  std::int64_t required_integer(const char* key) const;
  std::string path(const char* key) const { return where_ + "." + key; }
  [[noreturn]] void fail(const std::string& message) const;

 private:
  int type_of(const char* key) const;
  [[noreturn]] void wrong_type(const char* key, const char* expected) const;

  lua_State* L_;
  int index_;
  std::string where_;
};

}  // namespace clsim::sim::lua
