// BM_Timers: schedule and fire 1,000,000 timers on the world's virtual-time
// scheduler (sim::Scheduler: the heap, the live-entry map, the owner's io_context
// and one trace line per fired event), the path every simulated timer and mock
// latency takes. Delays are spread over one virtual day, so the heap is deep.
// The engine's durable timers (rows in SQLite, rescanned by a sweep) have no
// public entry point; BM_LifecycleWeek covers them.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "bench/bench_support.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/runtime/scheduler.hpp"
#include "sim/runtime/trace.hpp"

namespace clsim::bench {
namespace {

void BM_Timers(benchmark::State& state) {
  const std::int64_t timers = state.range(0);
  std::int64_t fired_total = 0;
  for (auto _ : state) {
    sim::Trace trace;
    sim::Scheduler scheduler(1, engine::from_us(engine::kDefaultStartUs), trace);
    sim::Prng delays(sim::Prng::stream(1, "bench.delays"));
    std::int64_t fired = 0;
    const auto day_us = std::uint64_t(kDay.count());
    for (std::int64_t i = 0; i < timers; ++i)
      scheduler.schedule(engine::Duration(std::int64_t(delays.next_u64() % day_us)), 1, engine::TimerKind::foreground,
                         "bench_timer", [&fired](boost::system::error_code ec) { fired += !ec; });
    while (scheduler.step()) {
    }
    if (fired != timers) {
      state.SkipWithError("not every timer fired");
      break;
    }
    fired_total += fired;
  }
  state.SetItemsProcessed(fired_total);
}

BENCHMARK(BM_Timers)->Arg(1'000'000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace clsim::bench
