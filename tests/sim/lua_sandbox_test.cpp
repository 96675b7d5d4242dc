#include "sim/lua/sandbox.hpp"

#include <gtest/gtest.h>
#include <lua.hpp>

namespace clsim::sim::lua {
namespace {

std::string run(Sandbox& s, const std::string& code) {
  std::string err;
  if (!s.run_chunk(code, "test.lua", err)) return "error: " + err.substr(0, err.find('\n'));
  lua_getglobal(s.state(), "result");
  std::string out = lua_isnil(s.state(), -1) ? "" : luaL_tolstring(s.state(), -1, nullptr);
  lua_settop(s.state(), 0);
  return out;
}

TEST(LuaSandbox, PairsIteratesInSortedKeyOrder) {
  Sandbox s("/nonexistent", {});
  EXPECT_EQ(run(s, R"(local t = {zeta=1, alpha=2, mid=3, [3]=4, [1]=5}
    local ks = {} for k in pairs(t) do ks[#ks+1] = tostring(k) end
    result = table.concat(ks, ","))"),
            "1,3,alpha,mid,zeta");
}

TEST(LuaSandbox, DangerousLibrariesAreAbsent) {
  Sandbox s("/nonexistent", {});
  EXPECT_EQ(run(s, "result = tostring(os) .. tostring(io) .. tostring(debug) .. tostring(dofile) .. "
                   "tostring(loadfile) .. tostring(string.dump) .. tostring(package)"),
            "nilnilnilnilnilnilnil");
}

TEST(LuaSandbox, LoadAcceptsTextButRefusesBytecode) {
  Sandbox s("/nonexistent", {});
  EXPECT_EQ(run(s, "result = load('return 40 + 2')()"), "42");
  EXPECT_EQ(run(s, "local f, e = load('\\27Lua') result = tostring(f == nil)"), "true");
}

TEST(LuaSandbox, StepLimitCannotBeSwallowedByPcallAndNamesTheLineThatRan) {
  Sandbox s("/nonexistent", SandboxLimits{2'000'000, 64u << 20});
  const auto out = run(s, "local n = 0\nwhile true do\n  pcall(function()\n    while true do n = n + 1 end\n  end)\nend");
  EXPECT_NE(out.find("test.lua:4: step limit exceeded"), std::string::npos) << out;
  EXPECT_TRUE(s.step_limit_hit());
  EXPECT_EQ(s.limit_where(), "test.lua:4");
}

TEST(LuaSandbox, MemoryLimitStopsARunawayScriptAndNamesTheLineThatRan) {
  Sandbox s("/nonexistent", SandboxLimits{400'000'000, 8u << 20});
  const auto out = run(s, "local t = {}\nwhile true do\n  t[#t+1] = string.rep('x', 100000) .. #t\nend");
  EXPECT_NE(out.find("error"), std::string::npos);
  EXPECT_TRUE(s.memory_limit_hit());
  EXPECT_EQ(s.limit_where(), "test.lua:3");
}

// A pcall swallows the memory error; the line it hit on is still the one named.
TEST(LuaSandbox, MemoryLimitSwallowedByPcallStillNamesWhereItHit) {
  Sandbox s("/nonexistent", SandboxLimits{400'000'000, 8u << 20});
  run(s, "local t = {}\nlocal ok = pcall(function()\n  while true do t[#t+1] = string.rep('y', 100000) .. #t end\nend)\n"
         "t = nil\nresult = tostring(ok)");
  EXPECT_TRUE(s.memory_limit_hit());
  EXPECT_EQ(s.limit_where(), "test.lua:3");
}

TEST(LuaSandbox, MathRandomDrawsFromTheGivenStream) {
  Sandbox a("/nonexistent", {}), b("/nonexistent", {});
  std::uint64_t x = 1, y = 1;
  a.set_random_source([&] { return x += 0x9e3779b97f4a7c15ULL; });
  b.set_random_source([&] { return y += 0x9e3779b97f4a7c15ULL; });
  const std::string code = "local r = {} for i = 1, 5 do r[i] = math.random(1, 100) end result = table.concat(r, ',')";
  EXPECT_EQ(run(a, code), run(b, code));
  EXPECT_EQ(run(a, "result = tostring(math.randomseed)"), "nil");
}

TEST(LuaSandbox, RequireLoadsOnlyFromTheLibFolder) {
  Sandbox s(CLSIM_SOURCE_DIR "/scenarios/lib", {});
  EXPECT_NE(run(s, "require('../../etc/passwd')").find("invalid module name"), std::string::npos);
  EXPECT_NE(run(s, "require('no_such_module')").find("no module 'no_such_module'"), std::string::npos);
}

}  // namespace
}  // namespace clsim::sim::lua
