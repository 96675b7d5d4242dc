// Every capture replays to its run: for each scenario listed, clsim run --capture's
// log replays with no divergence and no refusal but of what the run refused too, to the same campaign states,
// tweets, rewards and balances, and the same rule campaigns, matches and dead
// letters. The faults that fired are observation lines in the log (docs/CONTRACTS.md,
// "What the writers emit"), never re-armed from the world's fault rates.
//
// Every scenario of scenarios/ with a campaign is listed (smoke_virtual_clock has
// none; it replays with no divergence too).
// A crash line names the crash point its engine died at, and the replayed engine
// dies there (not merely at the logged instant; for a power loss, the engine whose
// point fired, not the first engine the power took); timers due at one instant break
// their tie by what they are, not by how many timers came before, so the replay's
// own timers (log lines instead of the audience) do not reorder the engine's.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/replay/run_capture.hpp"
#include "tests/sim/same_end.hpp"

using namespace clsim;
using namespace clsim::sim;

namespace {

class CaptureRoundTrip : public ::testing::TestWithParam<const char*> {};

struct Captured {
  lua::ScriptResult run;
  std::string text;
};

// A scenario run as `clsim run S --capture` runs it, and its capture.
Captured capture_scenario(const std::string& name) {
  RunCapture capture;
  lua::ScriptOptions so;
  so.script_path = std::string(CLSIM_SOURCE_DIR) + "/scenarios/" + name + ".lua";
  so.trace_sink = [&](const std::string& l) { capture.on_trace_line(l); };
  so.engine_capture = &capture;
  so.observe_failures = true;
  so.record_faults = true;
  Captured c{lua::run_script(so), ""};
  if (c.run.exit_code != 0) return c;
  std::ostringstream out;
  JsonlCaptureWriter writer(out);
  capture.write(*c.run.sim, writer);
  c.text = out.str();
  return c;
}

TEST_P(CaptureRoundTrip, ReplaysToTheSameStatesTweetsRewardsAndBalances) {
  const auto c = capture_scenario(GetParam());
  ASSERT_EQ(c.run.exit_code, 0) << c.run.error;
  ASSERT_FALSE(c.run.sim->reader().campaigns().empty() && c.run.sim->reader().rule_campaigns().empty())
      << "nothing to compare";
  expect_replays_to_the_same_end(c.text, *c.run.sim, c.run.seed);
}

// Two engines publish on one bus: each duplicate it made names the engine whose
// XADD it hit, and both engines are named.
TEST(CaptureFaultLines, NameTheEngineWhoseCallTheyHit) {
  const auto c = capture_scenario("bus_duplicates_and_reorder");
  ASSERT_EQ(c.run.exit_code, 0) << c.run.error;
  std::istringstream lines(c.text);
  std::set<int> engines;
  int fault_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] != "clsim:fault:v1:observed") continue;
    ++fault_lines;
    ASSERT_TRUE(j["payload"].contains("engine")) << line;
    engines.insert(j["payload"]["engine"].get<int>());
  }
  EXPECT_GT(fault_lines, 0);
  EXPECT_EQ(engines, (std::set<int>{1, 2}));
}

// The scenarios whose captures replay with no divergence; the list only grows.
INSTANTIATE_TEST_SUITE_P(Scenarios, CaptureRoundTrip,
                         ::testing::Values("bus_duplicates_and_reorder", "claim_window_partial_claims",
                                           "crash_after_contract",
                                           "crash_after_first_tweet", "crash_after_second_tweet",
                                           "crash_at_every_point", "crash_during_close", "duplicate_publish",
                                           "happy_path", "hedera_busy_storm", "hedera_unknown_outcome", "lost_unsynced_writes",
                                           "rule_campaign_duplicates_and_poison", "thousand_campaigns", "twitter_5xx_burst", "twitter_rate_limit_storm",
                                           "two_engines_race_a_tweet", "update_before_and_after_publish",
                                           "websocket_disconnect_storm"));

}  // namespace
