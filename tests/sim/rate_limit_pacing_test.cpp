// With X's rate limits on, one engine reads the x-rate-limit-* headers and waits
// for the reset itself: the rate-limit storm (70 campaigns of one owner, 140 posts
// against 100 a window) runs to the end without X ever answering 429.
#include <gtest/gtest.h>

#include "sim/lua/script_runner.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {
namespace {

TEST(RateLimitPacing, OneEngineInTheRateLimitStormMeetsNo429FromX) {
  lua::ScriptOptions so;
  so.script_path = "scenarios/twitter_rate_limit_storm.lua";
  const auto r = lua::run_script(so);
  ASSERT_EQ(r.exit_code, 0) << r.error;
  ASSERT_TRUE(r.sim);
  const auto& tweets = r.sim->twitter().tweets();
  EXPECT_EQ(tweets.size(), 140u) << "every campaign posted both tweets";
  EXPECT_EQ(r.sim->twitter().fault_counter().get("twitter_rate_limited"), 0)
      << "a call X would refuse was sent anyway";
}

}  // namespace
}  // namespace clsim::sim
