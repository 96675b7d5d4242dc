// BM_SwarmSeed: seeds per wall second for the standard random swarm workload
// (`clsim run --random`): plan, world, faults, heal, run until quiet and the final
// invariant sweep, in process. Seeds cycle through a fixed window so every run
// of the benchmark measures the same mix; a seed that fails still counts, as it
// costs a swarm just the same.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "sim/swarm/random_run.hpp"

namespace clsim::bench {
namespace {

constexpr std::uint64_t kSeedWindow = 40;

void BM_SwarmSeed(benchmark::State& state) {
  std::uint64_t next = 0, failed = 0, events = 0;
  for (auto _ : state) {
    sim::RandomRunOptions options;
    options.seed = 1 + next++ % kSeedWindow;
    auto result = sim::run_random(options);
    if (result.exit_code == 3) {
      state.SkipWithError(("seed harness error: " + result.error).c_str());
      break;
    }
    if (result.exit_code != 0) ++failed;
    events += result.sim->world().scheduler().events_processed();
  }
  state.SetItemsProcessed(std::int64_t(next));
  state.counters["failed_seeds"] = double(failed);
  state.counters["sim_events_per_s"] = benchmark::Counter(double(events), benchmark::Counter::kIsRate);
}

// Enough seeds that the window's slow and fast seeds average out.
BENCHMARK(BM_SwarmSeed)->Iterations(int(kSeedWindow))->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace clsim::bench
