// BM_Notify: campaign state changes fanned out to 1,000 subscribed WebSocket
// clients through mocks::WebSocketHub on the virtual-time scheduler: deliveries
// per wall second, and the virtual latency from publish to a client reading the
// update (p50/p99 over every delivery). Each iteration publishes a burst of
// kBurst updates of one campaign at one instant, then runs until all are read.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bench/bench_support.hpp"
#include "mocks/fault_counter.hpp"
#include "mocks/websocket/websocket_hub.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/runtime/scheduler.hpp"
#include "sim/runtime/trace.hpp"

namespace clsim::bench {
namespace {

constexpr int kBurst = 10;

double percentile_us(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  const auto k = std::size_t(p * double(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
  return double(v[k]);
}

void BM_Notify(benchmark::State& state) {
  const int clients = int(state.range(0));
  sim::Trace trace;
  sim::Scheduler scheduler(1, engine::from_us(engine::kDefaultStartUs), trace);
  sim::SimClock world_clock(scheduler, 0);
  sim::Prng random(sim::Prng::stream(1, "websocket"));
  mocks::FaultCounter counter;
  mocks::WebSocketHub hub(world_clock, random, counter);
  hub.set_resync([](const std::string&, std::int64_t) { return std::vector<engine::StateUpdate>{}; });
  for (int i = 0; i < clients; ++i) hub.subscribe(hub.add_client(), "c-1");
  while (scheduler.step()) {
  }

  const nlohmann::json view = {{"id", "c-1"}, {"owner", "owner-1"}, {"budget", 100000}, {"claimed", 0}};
  std::vector<std::int64_t> latency_us;
  std::int64_t seq = 0;
  const std::int64_t start_deliveries = hub.deliveries();
  for (auto _ : state) {
    const auto published_at = scheduler.now();
    for (int b = 0; b < kBurst; ++b)
      hub.publish(engine::StateUpdate{"c-1", ++seq, "RUNNING", view, published_at});
    std::int64_t seen = hub.deliveries();
    while (scheduler.step()) {
      const std::int64_t now_seen = hub.deliveries();
      const std::int64_t waited_us = (scheduler.now() - published_at).count();
      for (; seen < now_seen; ++seen) latency_us.push_back(waited_us);
    }
  }
  const std::int64_t delivered = hub.deliveries() - start_deliveries;
  if (delivered != std::int64_t(state.iterations()) * kBurst * clients)
    state.SkipWithError("not every client read every update");
  state.SetItemsProcessed(delivered);
  state.counters["virtual_latency_p50_us"] = percentile_us(latency_us, 0.50);
  state.counters["virtual_latency_p99_us"] = percentile_us(latency_us, 0.99);
}

BENCHMARK(BM_Notify)->ArgName("clients")->Arg(1'000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace clsim::bench
