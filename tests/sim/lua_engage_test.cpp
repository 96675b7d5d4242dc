// engage(c, user, kind): a scenario makes a user engage with a campaign's first
// tweet on mock X, the engine's poll records it and the user is rewarded at the
// rate of that kind; before the first tweet exists, or done twice, it is false.
#include <gtest/gtest.h>

#include "sim/lua/script_runner.hpp"

namespace clsim::sim {
namespace {

lua::ScriptResult run(const std::string& body) {
  lua::ScriptOptions so;
  so.script_path = "scenarios/lua_engage_test.lua";
  so.script_text = "world { audience = { users = 0 } }\n" + body;
  return lua::run_script(so);
}

TEST(LuaEngage, AnEngagedUserIsRewardedAtTheRateOfTheKindAndNoOneElseIs) {
  const auto r = run(R"(
local c = campaign { owner = "alice", budget = 100000, duration = hours(1), claim_window = hours(1),
                     rates = { like = 7, retweet = 11, quote = 13, reply = 17 } }
check(not engage(c, "u-9", "like"), "no first tweet before publishing")
publish(c)
run_for(minutes(3))
check(engage(c, "u-9", "retweet"), "u-9 retweets")
check(not engage(c, "u-9", "retweet"), "a repeat is refused")
check(engage(c, "alice", "like"), "the owner may engage")
run_for(hours(1) + minutes(5))
check(state(c) == "REWARD_CLAIM", "closed: " .. state(c))
local got = rewards(c)
check(#got == 1, "one reward, got " .. #got)
check(got[1].user == "u-9" and got[1].amount == 11, "u-9 earns the retweet rate")
)");
  EXPECT_EQ(r.exit_code, 0) << r.error;
}

TEST(LuaEngage, AnUnknownKindIsAnErrorNamingTheKinds) {
  const auto r = run(R"(
local c = campaign { owner = "alice", budget = 100000, duration = hours(1), claim_window = hours(1),
                     rates = { like = 1, retweet = 1, quote = 1, reply = 1 } }
engage(c, "u-1", "bookmark")  -- line 5: the world line, then the blank one
)");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.error.find("like, retweet, quote or reply"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("lua_engage_test.lua:5"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace clsim::sim
