// BM_IdleCampaignMemory: what one more RUNNING campaign costs while it waits
// between polls with nothing new (no audience). Heap in use with 1,000 and with
// 10,000 such campaigns; the difference divided by 9,000, split into SQLite's
// own memory (the engines' and the checker's page caches and statements), the
// simulated disk's file images (what a real service keeps on disk) and the rest
// (engine objects, mocks, scheduler). Heap figures come from mallinfo2, not RSS,
// so freed-but-kept pages of earlier work do not count.
#include <malloc.h>
#include <sqlite3.h>

#include <benchmark/benchmark.h>

#include <string>

#include "bench/bench_support.hpp"
#include "sim/disk/sim_disk.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::bench {
namespace {

struct Footprint {
  double heap = 0, sqlite = 0, disk = 0;
};

std::int64_t heap_in_use() {
  const struct mallinfo2 m = ::mallinfo2();
  return std::int64_t(m.uordblks + m.hblkhd);
}

std::int64_t disk_image_bytes(sim::SimDisk& disk) {
  std::int64_t n = 0;
  for (const auto& name : disk.files())
    if (auto s = disk.stats(name)) n += std::int64_t(s->size_bytes + s->durable_bytes);
  return n;
}

// Heap, SQLite and disk-image bytes with `campaigns` idle RUNNING campaigns, less
// the same with none (the world's fixed cost).
Footprint idle_footprint(int campaigns, bool& ok) {
  ::malloc_trim(0);
  const std::int64_t heap0 = heap_in_use(), sqlite0 = sqlite3_memory_used();
  sim::WorldConfig cfg;
  cfg.seed = 1;
  cfg.max_time = kDay * 2;
  cfg.world = nlohmann::ordered_json{{"clients", 0}, {"audience", {{"users", 0}}}};
  sim::Simulation sim(cfg, "bench:idle_memory");
  for (int i = 0; i < campaigns; ++i) {
    engine::CampaignSpec spec;
    spec.owner = "owner-" + std::to_string(i % 10 + 1);
    spec.budget = engine::Money(100'000);
    spec.rates = engine::Rates{engine::Money(100), engine::Money(300), engine::Money(500), engine::Money(200)};
    spec.duration = kDay;
    spec.claim_window = kDay;
    spec.text = "Campaign number " + std::to_string(i + 1);
    const auto created = sim.create(spec);
    const auto published = created.ok ? sim.publish(created.id, spec.owner) : created;
    ok = ok && published.ok;
  }
  // Past publishing and several polls, and 2.5 minutes from the next one.
  sim.world().run_for(kHour * 2 + kMinute * 2 + kSecond * 30);
  ok = ok && sim.world().violations().empty() && sim.world().fatal().empty();
  return Footprint{double(heap_in_use() - heap0), double(sqlite3_memory_used() - sqlite0),
                   double(disk_image_bytes(sim.disk()))};
}

void BM_IdleCampaignMemory(benchmark::State& state) {
  Footprint small, large;
  bool ok = true;
  for (auto _ : state) {
    small = idle_footprint(1'000, ok);
    large = idle_footprint(10'000, ok);
  }
  if (!ok) return state.SkipWithError("a campaign was refused or an invariant failed");
  const double heap = (large.heap - small.heap) / 9'000, sqlite = (large.sqlite - small.sqlite) / 9'000,
               disk = (large.disk - small.disk) / 9'000;
  state.counters["heap_B_per_idle_campaign"] = heap;
  state.counters["sqlite_B_per_idle_campaign"] = sqlite;
  state.counters["disk_image_B_per_idle_campaign"] = disk;
  state.counters["other_B_per_idle_campaign"] = heap - sqlite - disk;
}

BENCHMARK(BM_IdleCampaignMemory)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace clsim::bench
