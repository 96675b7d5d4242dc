// The random swarm's seeds replay to their runs: `run --random --capture`'s log of
// each of the standard swarm's seeds 1-200 replays with no divergence to the same
// end (tests/sim/same_end.hpp). Seed 189 is the one where a harness read between a
// power loss and the engine's reopen once rebuilt the engine's WAL index for it
// (tests/sim/disk_harness_test.cpp).
#include <gtest/gtest.h>

#include <sstream>

#include "sim/replay/run_capture.hpp"
#include "sim/swarm/random_run.hpp"
#include "tests/sim/same_end.hpp"

using namespace clsim;
using namespace clsim::sim;

namespace {

class SwarmCaptureRoundTrip : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(SwarmCaptureRoundTrip, SeedReplaysToTheSameStatesTweetsRewardsAndBalances) {
  RunCapture capture;
  RandomRunOptions o;
  o.seed = GetParam();
  o.trace_sink = [&](const std::string& l) { capture.on_trace_line(l); };
  o.engine_capture = &capture;
  o.observe_failures = true;
  o.record_faults = true;
  auto run = run_random(o);
  ASSERT_TRUE(run.sim) << run.error;
  ASSERT_EQ(run.exit_code, 0) << run.first_failure();
  std::ostringstream out;
  JsonlCaptureWriter writer(out);
  capture.write(*run.sim, writer);
  expect_replays_to_the_same_end(out.str(), *run.sim, GetParam());
}

std::vector<std::uint64_t> seeds() {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = 1; s <= 200; ++s) out.push_back(s);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SwarmCaptureRoundTrip, ::testing::ValuesIn(seeds()));

}  // namespace
