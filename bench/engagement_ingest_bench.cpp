// BM_EngagementIngest: engagement events per wall second through the engine's
// ingestion path, commit included. In this engine engagements arrive by polling
// (docs/DESIGN.md, rate limits): a poll round looks up metrics for up to 100 tweets a
// request, pages through the engager list of every kind whose count changed, and
// records each new (campaign, user, kind), the lists of one metrics request in one
// transaction (sooner past 20,000 names). Each iteration builds a fresh engine with kCampaigns RUNNING
// campaigns (untimed), gives each kEngagersPerCampaign new likes, then times the
// poll rounds that store them all.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"
#include "bench/engine_rig.hpp"

namespace clsim::bench {
namespace {

constexpr int kCampaigns = 10;
constexpr int kEngagersPerCampaign = 1'000;  // 10 pages of 100, as X pages liking_users
constexpr int kRoundsMax = 600;              // bound on poll rounds waited for one iteration

std::int64_t recorded(const engine::testing::FakeHooks& hooks) {
  std::int64_t n = 0;
  for (const auto& [event, fields] : hooks.events)
    if (event == "engagements_recorded") n += fields.value("added", std::int64_t(0));
  return n;
}

// A started engine whose kCampaigns campaigns are RUNNING; returns their first tweets.
std::vector<std::string> running_rig(EngineRig& rig) {
  rig.social.page_size = 100;
  rig.options.poll_interval = kSecond;  // poll often, so the timed part is mostly ingestion
  rig.start();
  for (int i = 0; i < kCampaigns; ++i)
    rig.publish_campaign("owner-" + std::to_string(i), 1'000'000'000, kDay * 30);
  rig.run_for(kMinute * 5);
  std::vector<std::string> tweets;
  for (const auto& t : rig.social.tweets)
    if (!t.tweet.in_reply_to) tweets.push_back(t.tweet.id);
  rig.hooks.events.clear();
  return tweets;
}

void BM_EngagementIngest(benchmark::State& state) {
  const auto kind = DiskKind(state.range(0));
  std::int64_t events = 0;
  std::int64_t next_user = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto rig = std::make_unique<EngineRig>(kind);
    const auto tweets = running_rig(*rig);
    if (tweets.size() != std::size_t(kCampaigns)) {
      state.SkipWithError("campaigns did not reach RUNNING");
      break;
    }
    for (const auto& t : tweets)
      for (int u = 0; u < kEngagersPerCampaign; ++u)
        rig->social.engage(t, "u-" + std::to_string(next_user++), engine::EngagementKind::like);
    const std::int64_t want = std::int64_t(kCampaigns) * kEngagersPerCampaign;
    state.ResumeTiming();

    std::int64_t got = 0;
    for (int round = 0; round < kRoundsMax && got < want; ++round) {
      rig->run_for(kSecond);
      got = recorded(rig->hooks);
    }

    state.PauseTiming();
    rig.reset();
    state.ResumeTiming();
    if (got != want) {
      state.SkipWithError(("stored " + std::to_string(got) + " of " + std::to_string(want)).c_str());
      break;
    }
    events += got;
  }
  state.SetItemsProcessed(events);
  state.SetLabel(to_label(kind));
}

BENCHMARK(BM_EngagementIngest)
    ->ArgName("disk")
    ->Arg(int(DiskKind::tmp_file))
    ->Arg(int(DiskKind::shm_file))
    ->Arg(int(DiskKind::sim_disk))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace clsim::bench
