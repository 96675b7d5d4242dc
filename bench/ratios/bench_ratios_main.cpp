// clsim_bench_ratios: the goals of the simulator's speed and memory beside today's
// figures, from the JSON clsim_bench wrote (make bench). For the rule path it runs
// the BullMQ peer (bench/peer) on a redis-server of its own, so the ratio is of the
// same machine at the same time; without node or redis-server it says the peer was
// skipped. It measures and prints; nothing here asserts a speed.
//
// Usage: clsim_bench_ratios BENCH.json [--peer-events N] [--peer-window W] [--out FILE]
#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/live/rule_events.hpp"
#include "sim/differential/child_process.hpp"

namespace {

using nlohmann::json;

// The median (or the only) run of a benchmark whose name starts with `name`.
std::optional<json> find_run(const json& bench, const std::string& name) {
  std::optional<json> only;
  for (const auto& b : bench.value("benchmarks", json::array())) {
    const std::string n = b.value("name", "");
    if (n.rfind(name, 0) != 0) continue;
    if (b.value("aggregate_name", "") == "median") return b;
    if (b.value("run_type", "") == "iteration" && !only) only = b;
  }
  return only;
}

double field(const std::optional<json>& run, const char* key) {
  return run && run->contains(key) ? (*run)[key].get<double>() : 0.0;
}

struct Row {
  std::string benchmark, now, goal;
  double ratio = 0;  // how far along: 1 or more is the goal met
};

void print(const std::vector<Row>& rows) {
  std::printf("\n%-44s %-22s %-22s %s\n", "goal (issue: simulation speed and memory)", "now", "goal", "now/goal");
  for (const auto& r : rows)
    std::printf("%-44s %-22s %-22s %.2f%s\n", r.benchmark.c_str(), r.now.c_str(), r.goal.c_str(), r.ratio,
                r.ratio >= 1 ? "  met" : "");
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: clsim_bench_ratios BENCH.json [--peer-events N] [--peer-window W] [--out FILE]\n", stderr);
    return 2;
  }
  std::int64_t peer_events = 5'000;
  int peer_window = 16;
  std::string out = "reports/bench-ratios.json";
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--peer-events") peer_events = std::stoll(v);
    else if (a == "--peer-window") peer_window = std::stoi(v);
    else if (a == "--out") out = v;
    else {
      std::fprintf(stderr, "clsim_bench_ratios: unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  // Google Benchmark writes NaN (e.g. the cv of a counter that is always 0), which
  // is not JSON.
  const json bench = json::parse(std::regex_replace(text.str(), std::regex(R"(:\s*-?(NaN|nan|inf))"), ": null"),
                                 nullptr, false);
  if (!bench.is_object()) {
    std::fprintf(stderr, "clsim_bench_ratios: %s is not clsim_bench JSON\n", argv[1]);
    return 2;
  }

  std::vector<Row> rows;
  json report{{"rows", json::array()}};
  if (auto week = find_run(bench, "BM_LifecycleWeek/")) {
    const double s = field(week, "real_time");  // the benchmark's unit is seconds
    rows.push_back({"BM_LifecycleWeek (1,000 campaigns, 7 days)", fmt("%.2f s", s), "< 5 s (aim < 2 s)", 5.0 / s});
  }
  if (auto seed = find_run(bench, "BM_SwarmSeed")) {
    const double per_s = field(seed, "items_per_second");
    rows.push_back({"BM_SwarmSeed", fmt("%.2f seeds/s", per_s), ">= 20 seeds/s/core", per_s / 20});
  }
  if (auto idle = find_run(bench, "BM_IdleCampaignMemory")) {
    const double heap = field(idle, "heap_B_per_idle_campaign"), disk = field(idle, "disk_image_B_per_idle_campaign");
    const double in_memory = heap - disk;  // the disk images stand for a real service's files
    rows.push_back({"memory per idle campaign (world, no disk)", fmt("%.0f B", in_memory), "< 8 KiB", 8192 / in_memory});
  }
  if (auto replay = find_run(bench, "BM_Replay")) {
    const double per_s = field(replay, "items_per_second");
    rows.push_back({"BM_Replay", fmt("%.0f lines/s", per_s), ">= 50,000 lines/s", per_s / 50'000});
  }
  const auto rules = find_run(bench, "BM_RuleMatch/disk:0");
  const double ours = field(rules, "items_per_second");
  clsim::live_bench::PeerResult peer;
  try {
    clsim::differential::TempDir dir;
    clsim::differential::RedisServer redis(dir);
    peer = clsim::live_bench::run_bullmq_peer(dir, std::string(CLSIM_SOURCE_DIR) + "/bench/peer", redis.socket_path(),
                                              peer_events, peer_window);
  } catch (const std::exception& e) {
    peer.skipped = e.what();
  }
  if (peer.ran && ours > 0) {
    rows.push_back({"BM_RuleMatch/disk:0 vs BullMQ peer", fmt("%.0f ev/s", ours) + fmt(" / %.0f", peer.per_s),
                    ">= 10x the peer", ours / peer.per_s / 10});
  } else {
    std::printf("BullMQ peer skipped: %s\n", peer.ran ? "no BM_RuleMatch/disk:0 in the JSON" : peer.skipped.c_str());
  }
  print(rows);
  for (const auto& r : rows)
    report["rows"].push_back({{"benchmark", r.benchmark}, {"now", r.now}, {"goal", r.goal}, {"ratio", r.ratio}});
  report["bullmq_peer"] = peer.json();
  std::ofstream(out) << report.dump(2) << "\n";
  return 0;
}
