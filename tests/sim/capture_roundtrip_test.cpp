// Every capture replays to its run: for each scenario listed, clsim run --capture's
// log replays with no divergence and no refusal but of what the run refused too, to the same campaign states,
// tweets, rewards and balances, and the same rule campaigns, matches and dead
// letters. The faults that fired are observation lines in the log (docs/CONTRACTS.md,
// "What the writers emit"), never re-armed from the world's fault rates.
//
// Scenarios not listed still diverge (measured with `clsim run S --capture C`,
// `clsim replay C --report R`, divergences in R; all `time` divergences):
//   lost_unsynced_writes 10: what a power loss took from the disk is not captured;
//   thousand_campaigns replays with none but takes seconds (see the README).
// A crash line names the crash point its engine died at, and the replayed engine
// dies there (not merely at the logged instant); timers due at one instant break
// their tie by what they are, not by how many timers came before, so the replay's
// own timers (log lines instead of the audience) do not reorder the engine's.
// smoke_virtual_clock replays with no divergence but has no campaign to compare.
#include <gtest/gtest.h>

#include <algorithm>
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

TEST_P(CaptureRoundTrip, ReplaysToTheSameStatesTweetsRewardsAndBalances) {
  RunCapture capture;
  lua::ScriptOptions so;
  so.script_path = std::string(CLSIM_SOURCE_DIR) + "/scenarios/" + GetParam() + ".lua";
  so.trace_sink = [&](const std::string& l) { capture.on_trace_line(l); };
  so.engine_capture = &capture;
  so.observe_failures = true;
  so.record_faults = true;
  auto run = lua::run_script(so);
  ASSERT_EQ(run.exit_code, 0) << run.error;
  std::ostringstream out;
  JsonlCaptureWriter writer(out);
  capture.write(*run.sim, writer);

  ASSERT_FALSE(run.sim->reader().campaigns().empty() && run.sim->reader().rule_campaigns().empty())
      << "nothing to compare";
  expect_replays_to_the_same_end(out.str(), *run.sim, run.seed);
}

// The scenarios whose captures replay with no divergence; the list only grows.
INSTANTIATE_TEST_SUITE_P(Scenarios, CaptureRoundTrip,
                         ::testing::Values("bus_duplicates_and_reorder", "claim_window_partial_claims",
                                           "crash_after_contract",
                                           "crash_after_first_tweet", "crash_after_second_tweet",
                                           "crash_at_every_point", "crash_during_close", "duplicate_publish",
                                           "happy_path", "hedera_busy_storm", "hedera_unknown_outcome",
                                           "rule_campaign_duplicates_and_poison", "twitter_5xx_burst", "twitter_rate_limit_storm",
                                           "two_engines_race_a_tweet", "update_before_and_after_publish",
                                           "websocket_disconnect_storm"));

}  // namespace
