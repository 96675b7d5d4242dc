// The random swarm's seeds replay to their runs: `run --random --capture`'s log of
// each seed listed replays with no divergence to the same end (tests/sim/same_end.hpp).
// Seeds 1-20 but 14, which still diverges (the README lists the seeds that do and
// why); the list only grows.
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
  for (std::uint64_t s = 1; s <= 20; ++s)
    if (s != 14) out.push_back(s);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SwarmCaptureRoundTrip, ::testing::ValuesIn(seeds()));

}  // namespace
