// Engine code is ordinary Asio code: the same coroutine runs on the simulator's
// virtual clock and on a real io_context with the production clock.
#include <utility>  // before Asio's coroutine headers (Boost 1.74 with g++ 12)

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "engine/adapters/asio_clock.hpp"
#include "sim/runtime/scheduler.hpp"

namespace clsim {
namespace {

using engine::Duration;
using engine::TimerKind;

// A saga-like coroutine: waits, records the time, waits again.
boost::asio::awaitable<void> two_steps(engine::Clock& clock, std::vector<std::int64_t>& at) {
  co_await clock.async_wait(Duration(30'000'000), TimerKind::foreground, "step1", boost::asio::use_awaitable);
  at.push_back(engine::to_us(clock.now()));
  co_await clock.async_wait(Duration(5'000'000), TimerKind::foreground, "step2", boost::asio::use_awaitable);
  at.push_back(engine::to_us(clock.now()));
}

TEST(AsioIntegration, CoroutineRunsOnVirtualTimeWithoutWaiting) {
  sim::Trace trace;
  sim::Scheduler s(1, engine::from_us(0), trace);
  sim::SimClock clock(s, 1);
  std::vector<std::int64_t> at;
  boost::asio::co_spawn(clock.executor(), two_steps(clock, at), boost::asio::detached);
  s.context(1).restart();
  s.context(1).poll();  // runs the coroutine to its first wait
  EXPECT_TRUE(s.run_until_quiet(engine::from_us(3'600'000'000)));
  EXPECT_EQ(at, (std::vector<std::int64_t>{30'000'000, 35'000'000}));
}

TEST(AsioIntegration, CancelledVirtualWaitResumesTheCoroutineWithOperationAborted) {
  sim::Trace trace;
  sim::Scheduler s(1, engine::from_us(0), trace);
  sim::SimClock clock(s, 1);
  std::string outcome;
  engine::TimerId id = 0;
  clock.start_wait(Duration(1000), TimerKind::foreground, "cancel", [&](auto) { clock.cancel(id); });
  id = clock.start_wait(Duration(60'000'000), TimerKind::foreground, "long",
                        [&](boost::system::error_code ec) { outcome = ec == boost::asio::error::operation_aborted ? "aborted" : "fired"; });
  s.run_until_quiet(engine::from_us(3'600'000'000));
  EXPECT_EQ(outcome, "aborted");
  EXPECT_EQ(engine::to_us(s.now()), 1000);
}

TEST(AsioIntegration, SameCoroutineRunsOnARealIoContextWithTheProductionClock) {
  boost::asio::io_context io;
  engine::AsioClock clock(io);
  int steps = 0;
  auto zero_waits = [&]() -> boost::asio::awaitable<void> {
    co_await clock.async_wait(Duration(0), TimerKind::foreground, "a", boost::asio::use_awaitable);
    ++steps;
    co_await clock.async_wait(Duration(0), TimerKind::foreground, "b", boost::asio::use_awaitable);
    ++steps;
  };
  boost::asio::co_spawn(io, zero_waits(), boost::asio::detached);
  io.run();
  EXPECT_EQ(steps, 2);
}

// now() is the start reading plus steady time, so a timer of d fires when now() has
// moved by at least d, whatever the system clock does meanwhile.
TEST(AsioIntegration, TheProductionClockKeepsNowAndTimersOnOneClock) {
  boost::asio::io_context io;
  const auto start = engine::from_us(engine::kDefaultStartUs);  // not today: proves now() is not read anew
  engine::AsioClock clock(io, start);
  EXPECT_GE(clock.now(), start);
  EXPECT_LT(clock.now(), start + Duration(1'000'000));
  engine::TimePoint fired_at{};
  clock.start_wait(Duration(20'000), TimerKind::foreground, "t", [&](boost::system::error_code ec) {
    if (!ec) fired_at = clock.now();
  });
  io.run();
  EXPECT_GE(fired_at - start, Duration(20'000)) << "a timer fired before now() moved by its delay";
  EXPECT_LT(fired_at - start, Duration(60'000'000));
}

}  // namespace
}  // namespace clsim
