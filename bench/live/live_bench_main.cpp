// clsim_live_bench: load on loopback against real processes (make bench-live).
// Each repetition starts redis-server, clsim mockd and clsim serve as children on
// free loopback ports (sim/differential/live_processes), measures WebSocket
// fan-out for each --clients size and rule events against the BullMQ peer, and
// stops them by pid; the bus adapter runs against redis-servers of its own. It
// prints a table of medians over the repetitions and writes every figure as JSON.
// It measures; nothing here asserts a speed.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/live/bus_load.hpp"
#include "bench/live/rule_events.hpp"
#include "bench/live/wall_clock.hpp"
#include "bench/live/ws_fanout.hpp"
#include "sim/differential/live_processes.hpp"

namespace lb = clsim::live_bench;
namespace diff = clsim::differential;

namespace {

struct Flags {
  std::vector<int> clients{1000, 10000};
  int updates = 20;
  std::int64_t messages = 50'000;
  int bus_window = 128;
  std::vector<std::int64_t> bus_rates{10'000, 50'000};  // paced runs: the baseline and the goal
  std::int64_t events = 1'000;
  int window = 4;
  int repeat = 3;
  std::string only = "ws,bus,events";
  std::string out = "reports/bench-live.json";
};

const char* kUsage =
    "usage: clsim_live_bench [--clients 1000,10000] [--updates 20] [--messages 50000] [--bus-window 128]\n"
    "                        [--bus-rate 10000,50000] [--events 1000] [--window 4] [--repeat 3] [--only ws,bus,events] [--out FILE]\n";

bool parse(int argc, char** argv, Flags& f) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    try {
      if (a == "--clients") {
        f.clients.clear();
        std::stringstream s(v);
        for (std::string n; std::getline(s, n, ',');) f.clients.push_back(std::stoi(n));
      } else if (a == "--bus-rate") {
        f.bus_rates.clear();
        std::stringstream s(v);
        for (std::string n; std::getline(s, n, ',');) f.bus_rates.push_back(std::stoll(n));
      } else if (a == "--updates") f.updates = std::stoi(v);
      else if (a == "--messages") f.messages = std::stoll(v);
      else if (a == "--bus-window") f.bus_window = std::stoi(v);
      else if (a == "--events") f.events = std::stoll(v);
      else if (a == "--window") f.window = std::stoi(v);
      else if (a == "--repeat") f.repeat = std::max(1, std::stoi(v));
      else if (a == "--only") f.only = v;
      else if (a == "--out") f.out = v;
      else return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

// 10,000 clients are 10,000 sockets here and in serve, which inherits the limit.
void raise_fd_limit(rlim_t want) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur >= want) return;
  rlimit up{want, std::max(want, rl.rlim_max)};
  if (setrlimit(RLIMIT_NOFILE, &up) != 0) {
    up.rlim_cur = std::min(want, rl.rlim_max);  // not root: as far as the hard limit goes
    up.rlim_max = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &up);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  std::fprintf(stderr, "live bench: RLIMIT_NOFILE %llu\n", static_cast<unsigned long long>(rl.rlim_cur));
}

// The median over repetitions of one number in each run's JSON.
double median_of(const nlohmann::json& runs, const std::function<double(const nlohmann::json&)>& get) {
  std::vector<double> v;
  for (const auto& r : runs) v.push_back(get(r));
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

bool wants(const Flags& f, const char* part) { return f.only.find(part) != std::string::npos; }

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  if (!parse(argc, argv, f)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  raise_fd_limit(65'536);
  const std::string token = "bench";
  nlohmann::json report{{"flags",
                         {{"clients", f.clients}, {"updates", f.updates}, {"messages", f.messages},
                          {"bus_window", f.bus_window}, {"bus_rates", f.bus_rates}, {"events", f.events}, {"window", f.window},
                          {"repeat", f.repeat}}},
                        {"redis_stack_persistence", "appendonly no, save '' (the stack's redis-server)"},
                        {"ws", nlohmann::json::object()},
                        {"bus_adapter", nlohmann::json::object()},
                        {"engine_bus", nlohmann::json::array()},
                        {"rule_events", nlohmann::json::array()},
                        {"bullmq", nlohmann::json::array()}};
  try {
    for (int rep = 1; rep <= f.repeat; ++rep) {
      if (wants(f, "bus"))
        for (bool aof : {false, true}) {
          std::vector<std::int64_t> rates{0};  // 0: saturated, as fast as the window allows
          rates.insert(rates.end(), f.bus_rates.begin(), f.bus_rates.end());
          for (std::int64_t rate : rates) {
            auto b = lb::run_bus_adapter(diff::TempDir(), aof, f.messages, f.bus_window, rate);
            std::fprintf(stderr, "bus adapter (%s, offered %s): %.0f msg/s, p50 %.2f ms, p99 %.2f ms\n",
                         b.persistence.c_str(), rate ? std::to_string(rate).c_str() : "max", b.per_s,
                         b.latency.p50_ms, b.latency.p99_ms);
            const std::string key = std::string(aof ? "aof_everysec" : "no_persistence") +
                                    (rate ? "_paced_" + std::to_string(rate) : "_saturated");
            report["bus_adapter"][key].push_back(b.json());
          }
        }
      if (!wants(f, "ws") && !wants(f, "events")) continue;
      diff::TempDir dir;
      const lb::WallClock clock;  // before serve's AsioClock reads the system clock
      diff::StackOptions options;
      options.token = token;
      options.binary = CLSIM_BINARY;
      diff::LiveProcesses stack(dir, options);
      if (wants(f, "ws"))
        for (int n : f.clients) {
          auto w = lb::run_fanout(stack.serve_port(), token, n, f.updates, clock);
          std::fprintf(stderr, "ws %d clients: %d connected in %.1f s, frames %lld/%lld, p50 %.2f ms, p99 %.2f ms\n",
                       n, w.connected, w.connect_s, static_cast<long long>(w.frames),
                       static_cast<long long>(w.expected), w.latency.p50_ms, w.latency.p99_ms);
          report["ws"][std::to_string(n)].push_back(w.json());
          stack.check_running();
        }
      if (wants(f, "events")) {
        const auto db = dir.file("campaigns.db");
        auto e = lb::run_rule_events(stack.serve_port(), token, db, f.events, f.window);
        std::fprintf(stderr, "rule events: %.0f/s paid (%.0f/s intake), %lld/%lld paid\n", e.paid_per_s,
                     e.intake_per_s, static_cast<long long>(e.paid_events), static_cast<long long>(e.events));
        report["rule_events"].push_back(e.json());
        report["engine_bus"].push_back(lb::read_engine_bus(db, "customer:event:v1:requested").json());
        auto p = lb::run_bullmq_peer(dir, std::string(CLSIM_SOURCE_DIR) + "/bench/peer", stack.redis_socket(),
                                     f.events, f.window);
        if (!p.ran) std::fprintf(stderr, "BullMQ peer skipped: %s\n", p.skipped.c_str());
        report["bullmq"].push_back(p.json());
      }
      stack.check_running();
      stack.stop();
    }
  } catch (const diff::StackError& e) {
    std::fprintf(stderr, "live bench: the stack failed: %s\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "live bench: %s\n", e.what());
    return 1;
  }

  // The table: medians over the repetitions.
  std::printf("clsim_live_bench: medians of %d repetition(s), loopback, %s\n", f.repeat, "stack redis: appendonly no");
  for (auto it = report["ws"].begin(); it != report["ws"].end(); ++it) {
    const auto& runs = it.value();
    std::printf("ws fan-out %6s clients: p50 %7.2f ms  p99 %7.2f ms  slowest-client p99 %7.2f ms  frames %.0f/%.0f\n",
                it.key().c_str(), median_of(runs, [](auto& r) { return r["latency"]["p50_ms"].template get<double>(); }),
                median_of(runs, [](auto& r) { return r["latency"]["p99_ms"].template get<double>(); }),
                median_of(runs, [](auto& r) { return r["slowest_client"]["p99_ms"].template get<double>(); }),
                median_of(runs, [](auto& r) { return r["frames"].template get<double>(); }),
                median_of(runs, [](auto& r) { return r["expected_frames"].template get<double>(); }));
  }
  for (auto it = report["bus_adapter"].begin(); it != report["bus_adapter"].end(); ++it) {
    const auto& runs = it.value();
    const auto rate = runs[0]["rate"].get<std::int64_t>();
    std::printf("bus adapter (%s, offered %s msg/s): %.0f msg/s  p50 %.2f ms  p99 %.2f ms\n",
                runs[0]["persistence"].get<std::string>().c_str(), rate ? std::to_string(rate).c_str() : "max",
                median_of(runs, [](auto& r) { return r["per_s"].template get<double>(); }),
                median_of(runs, [](auto& r) { return r["latency"]["p50_ms"].template get<double>(); }),
                median_of(runs, [](auto& r) { return r["latency"]["p99_ms"].template get<double>(); }));
  }
  const auto& eb = report["engine_bus"];
  if (!eb.empty())
    std::printf("engine relay + consumer: %.0f msg/s  outbox->consumed p50 %.2f ms  p99 %.2f ms\n",
                median_of(eb, [](auto& r) { return r["relay_per_s"].template get<double>(); }),
                median_of(eb, [](auto& r) { return r["outbox_to_consumed"]["p50_ms"].template get<double>(); }),
                median_of(eb, [](auto& r) { return r["outbox_to_consumed"]["p99_ms"].template get<double>(); }));
  const auto& re = report["rule_events"];
  if (!re.empty()) {
    const double ours = median_of(re, [](auto& r) { return r["paid_per_s"].template get<double>(); });
    std::printf("rule events intake->done: p50 %.2f ms  p99 %.2f ms; intake %.0f/s\n",
                median_of(re, [](auto& r) { return r["intake_to_done"]["p50_ms"].template get<double>(); }),
                median_of(re, [](auto& r) { return r["intake_to_done"]["p99_ms"].template get<double>(); }),
                median_of(re, [](auto& r) { return r["intake_per_s"].template get<double>(); }));
    nlohmann::json ran = nlohmann::json::array();
    for (const auto& p : report["bullmq"])
      if (p.value("ran", false)) ran.push_back(p);
    if (ran.empty()) {
      std::printf("rule events: clsim %.0f/s, BullMQ skipped (%s)\n", ours,
                  report["bullmq"].empty() ? "" : report["bullmq"][0].value("skipped", "").c_str());
    } else {
      const double peer = median_of(ran, [](auto& r) { return r["per_s"].template get<double>(); });
      report["ratio_clsim_to_bullmq"] = ours / peer;
      std::printf("rule events: clsim %.0f/s, BullMQ %.0f/s, ratio %.3f\n", ours, peer, ours / peer);
    }
  }
  std::ofstream(f.out) << report.dump(2) << "\n";
  std::printf("wrote %s\n", f.out.c_str());
  return 0;
}
