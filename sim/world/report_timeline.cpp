#include "sim/world/report_timeline.hpp"

#include <algorithm>
#include <map>

#include "sim/world/simulation.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;
constexpr std::size_t kPerCampaignMax = 60;  // above this, the timeline aggregates
constexpr int kSamples = 120;

json summary(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  json s = {{"count", v.size()}, {"p50", percentile(v, 50)}, {"p99", percentile(v, 99)},
            {"max", v.empty() ? 0 : v.back()}};
  // Ten equal-width buckets from 0 to max, for the histogram.
  json buckets = json::array();
  if (!v.empty() && v.back() > 0) {
    std::vector<std::int64_t> counts(10, 0);
    for (auto x : v) counts[std::min<std::size_t>(9, std::size_t(x * 10 / (v.back() + 1)))]++;
    for (auto c : counts) buckets.push_back(c);
  }
  s["buckets"] = buckets;
  return s;
}

// [state, from_us] segments of one campaign.
using Segments = std::vector<std::pair<std::string, std::int64_t>>;

json latencies(const std::vector<engine::TransitionRecord>& transitions,
               const std::vector<engine::CampaignRecord>& campaigns) {
  std::map<std::string, std::int64_t> published_at, closed_at, due_close;
  std::vector<std::int64_t> publish_to_running, close_lag, close_to_claimable;
  for (const auto& c : campaigns)
    if (c.close_us) due_close[c.id] = *c.close_us;
  for (const auto& t : transitions) {
    if (t.to == "PUBLISHING") published_at[t.campaign_id] = t.at_us;
    if (t.to == "RUNNING" && published_at.count(t.campaign_id))
      publish_to_running.push_back(t.at_us - published_at[t.campaign_id]);
    if (t.to == "CLOSED") {
      closed_at[t.campaign_id] = t.at_us;
      auto due = due_close.find(t.campaign_id);
      if (due != due_close.end()) close_lag.push_back(std::max<std::int64_t>(0, t.at_us - due->second));
    }
    if (t.to == "REWARD_CLAIM" && closed_at.count(t.campaign_id))
      close_to_claimable.push_back(t.at_us - closed_at[t.campaign_id]);
  }
  return {{"publish_to_running", summary(publish_to_running)},
          {"close_lag", summary(close_lag)},
          {"close_to_claimable", summary(close_to_claimable)}};
}

// Per campaign, starting CREATED at the run's start (creation is not a transition).
std::map<std::string, Segments> state_segments(const std::vector<engine::TransitionRecord>& transitions,
                                               const std::vector<engine::CampaignRecord>& campaigns,
                                               std::int64_t start) {
  std::map<std::string, Segments> segments;
  for (const auto& c : campaigns) segments[c.id].push_back({"CREATED", start});
  for (const auto& t : transitions) segments[t.campaign_id].push_back({t.to, t.at_us});
  return segments;
}

// A row of [state, from_us, to_us] segments per campaign.
json campaign_rows(const std::map<std::string, Segments>& segments, std::int64_t end) {
  json rows = json::array();
  for (const auto& [id, segs] : segments) {
    json row = {{"id", id}, {"segments", json::array()}};
    for (std::size_t i = 0; i < segs.size(); ++i)
      row["segments"].push_back({segs[i].first, segs[i].second, i + 1 < segs.size() ? segs[i + 1].second : end});
    rows.push_back(row);
  }
  return rows;
}

// How many campaigns were in each state, at kSamples + 1 evenly spaced times.
json state_samples(const std::map<std::string, Segments>& segments, std::int64_t start, std::int64_t end) {
  json samples = json::array();
  for (int k = 0; k <= kSamples; ++k) {
    const std::int64_t t = start + (end - start) * k / kSamples;
    std::map<std::string, std::int64_t> counts;
    for (const auto& [id, segs] : segments) {
      std::string state = segs.front().first;
      for (const auto& [s, from] : segs)
        if (from <= t) state = s;
      ++counts[state];
    }
    json c = json::object();
    for (const auto& [s, n] : counts) c[s] = n;
    samples.push_back({{"t_us", t}, {"counts", c}});
  }
  return samples;
}

}  // namespace

std::int64_t percentile(const std::vector<std::int64_t>& sorted, int p) {
  if (sorted.empty()) return 0;
  std::size_t rank = (sorted.size() * std::size_t(p) + 99) / 100;  // nearest rank, 1-based
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void add_time_views(json& report, Simulation& sim) {
  auto& reader = sim.reader();
  const auto transitions = reader.transitions();
  const auto campaigns = reader.campaigns();
  const std::int64_t start = engine::to_us(sim.world().config().start);
  const std::int64_t end = engine::to_us(sim.world().now());
  report["latency_us"] = latencies(transitions, campaigns);
  const auto segments = state_segments(transitions, campaigns, start);
  json timeline = {{"start_us", start}, {"end_us", end}};
  if (segments.size() <= kPerCampaignMax) timeline["campaigns"] = campaign_rows(segments, end);
  else timeline["samples"] = state_samples(segments, start, end);
  report["timeline"] = timeline;
}

}  // namespace clsim::sim
