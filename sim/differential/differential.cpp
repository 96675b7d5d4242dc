#include "sim/differential/differential.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "sim/differential/compare.hpp"
#include "sim/differential/interrupt.hpp"
#include "sim/differential/live_processes.hpp"
#include "sim/differential/live_run.hpp"
#include "sim/differential/simulated_side.hpp"

namespace clsim::differential {

namespace {

using WallClock = std::chrono::steady_clock;  // clsim-allow-nondeterminism: wall time for the report

double seconds_since(WallClock::time_point t) { return std::chrono::duration<double>(WallClock::now() - t).count(); }
// Wall times in reports are rounded to milliseconds.
double ms_rounded(double s) { return double(std::llround(s * 1000)) / 1000; }

// --keep DIR must be new or empty: an old database or capture would be reused.
std::unique_ptr<TempDir> work_dir(const std::string& keep, std::string& error) {
  if (keep.empty()) return std::make_unique<TempDir>();
  std::error_code ec;
  if (std::filesystem::exists(keep, ec) &&
      (!std::filesystem::is_directory(keep, ec) || !std::filesystem::is_empty(keep, ec))) {
    error = "--keep " + keep + ": exists and is not an empty directory";
    return nullptr;
  }
  try {
    return std::make_unique<TempDir>(keep);
  } catch (const std::runtime_error& e) {
    error = std::string("--keep: ") + e.what();
    return nullptr;
  }
}

void print_notes(const LiveRun& live, const SimulatedRun& simulated, const DifferentialOptions& o) {
  if (!live.unfinished.empty())
    std::printf("live: not finished %lld s after the last line: %s\n", (long long)o.timeout.count(),
                live.unfinished.c_str());
  if (!simulated.failure.empty()) std::printf("simulated: the replay failed: %s\n", simulated.failure.c_str());
}

nlohmann::ordered_json report_of(const Workload& w, const Comparison& c, const LiveRun& live,
                                 const SimulatedRun& simulated, double sim_wall_s, const std::string& kept) {
  auto report = nlohmann::ordered_json{{"clsim_differential", 1}, {"workload", w.log.file}, {"seed", w.seed}};
  const auto comparison = to_json(c);
  for (auto it = comparison.begin(); it != comparison.end(); ++it) report[it.key()] = it.value();
  report["live"] = {{"wall_time_s", ms_rounded(live.wall_s)},
                    {"lines_fed", live.lines_fed},
                    {"unfinished", live.unfinished},
                    {"dir", kept.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(kept)}};
  report["simulated"] = {{"wall_time_s", ms_rounded(sim_wall_s)},
                         {"exit_code", simulated.exit_code},
                         {"failure", simulated.failure}};
  return report;
}

}  // namespace

DifferentialResult run_differential(const DifferentialOptions& o) {
  DifferentialResult result;
  Workload w;
  try {
    w = read_workload(o.workload_path);
  } catch (const sim::LogError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return {2, nullptr};
  }
  // The simulated side first: it needs no processes, and a Ctrl-C meanwhile leaves nothing behind.
  if (o.progress) std::fputs("simulating...", stderr);
  const auto sim_start = WallClock::now();
  const SimulatedRun simulated = simulate(w);
  const double sim_wall_s = seconds_since(sim_start);
  if (o.progress) std::fputs("\r\033[K", stderr);
  if (simulated.exit_code == 2) {
    std::fprintf(stderr, "%s\n", simulated.error.c_str());
    return {2, nullptr};
  }
  std::string error;
  const InterruptGuard guard;
  const auto dir = work_dir(o.keep_dir, error);
  if (!dir) {
    std::fprintf(stderr, "clsim differential: %s\n", error.c_str());
    return {2, nullptr};
  }
  LiveRun live;
  try {
    live = run_live(w, *dir, LiveRunOptions{o.timeout, o.progress});
  } catch (const StackError& e) {
    std::fprintf(stderr, "clsim differential: the live stack could not run: %s\n", e.what());
    if (!o.keep_dir.empty()) std::fprintf(stderr, "live files kept in %s\n", o.keep_dir.c_str());
    return {3, nullptr};
  } catch (const Interrupted&) {
    std::fprintf(stderr, "clsim differential: interrupted; redis-server, mockd and serve stopped\n");
    return {3, nullptr};
  }
  const Comparison c = compare(w, live.outcomes, simulated.outcomes);
  print_notes(live, simulated, o);
  std::fputs(render(c).c_str(), stdout);
  std::fflush(stdout);
  if (!o.keep_dir.empty()) std::fprintf(stderr, "live files kept in %s\n", o.keep_dir.c_str());
  result.exit_code = c.differences > 0 ? 1 : 0;
  result.report = report_of(w, c, live, simulated, sim_wall_s, o.keep_dir);
  return result;
}

}  // namespace clsim::differential
