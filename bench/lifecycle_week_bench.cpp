// BM_LifecycleWeek: one simulated week of 1,000 social campaigns with an audience
// of 100 users who all engage, through sim::Simulation (mock X, Hedera, Redis and
// WebSocket, the simulated disk, invariant checks after every event): create and
// publish, engagement polling, close with rewards, claim window, EXPIRED. Wall
// time per week, virtual seconds per wall second, and resident memory per
// campaign once all are RUNNING (idle) and at the end of the week.
// BM_LifecycleWeekGrowth: the same week at 100, 1,000 and 10,000 campaigns, for
// how cost grows (minutes; left out of `make bench`, run by `make bench-growth`).
#include <malloc.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::bench {
namespace {

constexpr int kAudience = 100;
constexpr engine::Duration kWeek = kDay * 7;

sim::WorldConfig week_config() {
  sim::WorldConfig cfg;
  cfg.seed = 1;
  cfg.max_time = kDay * 10;
  cfg.world = nlohmann::ordered_json{{"clients", 2},
                                     {"audience", {{"users", kAudience}, {"engage_probability", 1.0}}}};
  return cfg;
}

// Campaigns in `wanted` state among `ids` (reads the store; a few ms for 1,000).
int count_in_state(sim::Simulation& s, const std::vector<std::string>& ids, const std::string& wanted) {
  int n = 0;
  for (const auto& id : ids) {
    auto c = s.reader().campaign(id);
    n += c && c->state == wanted;
  }
  return n;
}

void run_week(benchmark::State& state, int campaigns) {
  std::int64_t rss_running_per_campaign = 0, rss_end_per_campaign = 0;
  int expired = 0;
  for (auto _ : state) {
    ::malloc_trim(0);  // return an earlier repetition's freed heap, so the delta is this run's
    const std::int64_t rss_before = rss_bytes();
    sim::Simulation sim(week_config(), "bench:lifecycle_week");
    std::vector<std::string> ids;
    ids.reserve(std::size_t(campaigns));
    // One owner a hundred campaigns (at least ten): the engine paces X's posts per
    // user, so with ten owners at every size a 10,000 world spent hours publishing
    // (2,000 tweets an owner) and measured that wait instead of the engine's growth.
    const int owners = std::max(10, campaigns / 100);
    for (int i = 0; i < campaigns; ++i) {
      engine::CampaignSpec spec;
      spec.owner = "owner-" + std::to_string(i % owners + 1);
      spec.budget = engine::Money(100'000);
      spec.rates = engine::Rates{engine::Money(100), engine::Money(300), engine::Money(500), engine::Money(200)};
      spec.duration = kDay * 4;
      spec.claim_window = kDay * 2;
      spec.text = "Campaign number " + std::to_string(i + 1);
      const auto created = sim.create(spec);
      const auto published = created.ok ? sim.publish(created.id, spec.owner) : created;
      if (!published.ok) {
        state.SkipWithError(("campaign refused: " + published.reason).c_str());
        return;
      }
      ids.push_back(created.id);
    }
    sim.world().run_for(kHour * 6);
    state.PauseTiming();
    const int running = count_in_state(sim, ids, "RUNNING");
    rss_running_per_campaign = (rss_bytes() - rss_before) / campaigns;
    state.ResumeTiming();
    sim.world().run_for(kWeek - kHour * 6);
    state.PauseTiming();
    expired = count_in_state(sim, ids, "EXPIRED");
    rss_end_per_campaign = (rss_bytes() - rss_before) / campaigns;
    if (running != campaigns || !sim.world().violations().empty() || !sim.world().fatal().empty()) {
      state.SkipWithError(("running after 6 h: " + std::to_string(running) + ", violations: " +
                           std::to_string(sim.world().violations().size()) + " " + sim.world().fatal())
                              .c_str());
      return;
    }
    state.ResumeTiming();
  }
  const double week_s = double(kWeek.count()) / 1e6;
  state.counters["virtual_s_per_wall_s"] =
      benchmark::Counter(week_s * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["expired"] = expired;
  state.counters["rss_running_B_per_campaign"] = double(rss_running_per_campaign);
  state.counters["rss_end_B_per_campaign"] = double(rss_end_per_campaign);
  state.counters["wall_s_per_campaign"] = benchmark::Counter(
      double(campaigns) * double(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_LifecycleWeek(benchmark::State& state) { run_week(state, 1'000); }
void BM_LifecycleWeekGrowth(benchmark::State& state) { run_week(state, int(state.range(0))); }

// One iteration is one week of 1,000 campaigns: seconds of wall time.
BENCHMARK(BM_LifecycleWeek)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_LifecycleWeekGrowth)
    ->ArgName("campaigns")
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace clsim::bench
