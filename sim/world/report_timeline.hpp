// The report's view of time: latency percentiles (publish -> running, close lag,
// close -> claimable) and a timeline of campaign states, per campaign when there
// are few and as state counts over time when there are many.
#pragma once
#include <nlohmann/json.hpp>

namespace clsim::sim {

class Simulation;

// Fills report["latency_us"] and report["timeline"].
void add_time_views(nlohmann::ordered_json& report, Simulation& sim);

// Nearest-rank percentile of sorted values (p in 0..100); 0 for none.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, int p);

}  // namespace clsim::sim
