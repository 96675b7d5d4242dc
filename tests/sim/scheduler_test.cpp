#include "sim/runtime/scheduler.hpp"

#include <gtest/gtest.h>

namespace clsim::sim {
namespace {

TEST(Scheduler, JumpsVirtualTimeToTheNextDueEvent) {
  Trace trace;
  Scheduler s(1, engine::from_us(1000), trace);
  SimClock clock(s, 1);
  std::vector<std::int64_t> fired;
  clock.start_wait(Duration(5000), TimerKind::foreground, "b", [&](auto) { fired.push_back(to_us(clock.now())); });
  clock.start_wait(Duration(2000), TimerKind::foreground, "a", [&](auto) { fired.push_back(to_us(clock.now())); });
  EXPECT_TRUE(s.run_until_quiet(engine::from_us(1'000'000)));
  EXPECT_EQ(fired, (std::vector<std::int64_t>{3000, 6000}));
  EXPECT_EQ(s.events_processed(), 2u);
}

}  // namespace
}  // namespace clsim::sim
