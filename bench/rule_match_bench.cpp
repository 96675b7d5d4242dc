// BM_RuleMatch: customer events per wall second through a rule campaign's whole
// path: intake (validated, stored and queued through the outbox; the producer's
// 100 events of an iteration come as one batch, one transaction), relay to the bus
// (one pipeline), delivery with inbox dedup, rule match recorded once per
// (campaign, event), reward payment on the ledger, and settlement; each stage
// group-commits what reaches it at the same moment. Every event matches, so every
// event pays. One engine with the test fakes; the store keeps growing over the
// iterations, as a live one does.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"
#include "bench/engine_rig.hpp"

namespace clsim::bench {
namespace {

constexpr int kEventsPerIteration = 100;
constexpr int kRoundsMax = 3'600;  // virtual seconds waited for one iteration's events

int settled(const engine::testing::FakeHooks& hooks) { return hooks.count("customer_event_settled"); }

void BM_RuleMatch(benchmark::State& state) {
  const auto kind = DiskKind(state.range(0));
  EngineRig rig(kind);
  rig.start();
  engine::RuleCampaignSpec spec;
  spec.owner = "shop";
  spec.budget = engine::Money(1'000'000'000);
  spec.duration = kDay * 30;
  spec.rules = {engine::Rule{"purchase", {engine::RuleCondition{"amount", ">", 50}}, engine::Money(10)}};
  auto created = rig.engine->create_rule_campaign(spec);
  if (!created.ok) {
    state.SkipWithError(("rule campaign refused: " + created.reason).c_str());
    return;
  }
  rig.run_for(kMinute);  // the fund timer escrows the budget
  rig.hooks.events.clear();

  std::int64_t next_event = 0, done = 0;
  for (auto _ : state) {
    std::vector<engine::CustomerEvent> batch(kEventsPerIteration);
    for (auto& ev : batch) {
      ev.id = "e-" + std::to_string(next_event++);
      ev.type = "purchase";
      ev.user = "user-" + std::to_string(next_event % 1000);
      ev.payload = {{"amount", 75}, {"currency", "EUR"}};
    }
    for (const auto& r : rig.engine->customer_events(batch))
      if (!r.ok) state.SkipWithError(("event refused: " + r.reason).c_str());
    int got = 0;
    for (int round = 0; round < kRoundsMax && got < kEventsPerIteration; ++round) {
      rig.run_for(kSecond);
      got = settled(rig.hooks);
    }
    state.PauseTiming();
    const int paid = rig.hooks.count("rule_payment");
    rig.hooks.events.clear();
    state.ResumeTiming();
    if (got != kEventsPerIteration || paid != kEventsPerIteration) {
      state.SkipWithError(("settled " + std::to_string(got) + ", paid " + std::to_string(paid) + " of " +
                           std::to_string(kEventsPerIteration))
                              .c_str());
      break;
    }
    done += got;
  }
  state.SetItemsProcessed(done);
  state.SetLabel(to_label(kind));
}

BENCHMARK(BM_RuleMatch)
    ->ArgName("disk")
    ->Arg(int(DiskKind::tmp_file))
    ->Arg(int(DiskKind::shm_file))
    ->Arg(int(DiskKind::sim_disk))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace clsim::bench
