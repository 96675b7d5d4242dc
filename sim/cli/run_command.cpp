// clsim run: runs scenario scripts, prints a short summary per run, and writes
// the report, HTML and trace files whole (temporary file, then rename).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <unistd.h>

#include "sim/cli/args.hpp"
#include "sim/cli/capture_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/kept_for.hpp"
#include "sim/cli/progress_line.hpp"
#include "sim/cli/random_flags.hpp"
#include "sim/cli/report_files.hpp"
#include "sim/cli/summary.hpp"
#include "sim/cli/trace_file.hpp"
#include "sim/lua/script_runner.hpp"
#include "sim/world/report.hpp"

namespace clsim::cli {

namespace {

struct RunFlags {
  std::vector<std::string> scripts;
  std::optional<std::uint64_t> seed;
  std::string report_path, html_path, trace_path, lib_dir;
  std::string capture_path;  // --capture (sim/replay)
  std::map<std::string, std::string> sets;
  std::optional<std::uint64_t> max_events;
  bool quiet = false;
  bool suite = false;  // a suite report even for one script
  engine::Mutations mutations;
  std::vector<sim::RequiredCell> kept_for;  // --kept-for
};

RunFlags parse(int argc, char** argv) {
  RunFlags f;
  Args a(argc, argv, 2);
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--seed") f.seed = a.u64(arg);
    else if (arg == "--report") f.report_path = a.value(arg);
    else if (arg == "--html") f.html_path = a.value(arg);
    else if (arg == "--trace") f.trace_path = a.value(arg);
    else if (arg == "--capture") f.capture_path = a.value(arg);
    else if (arg == "--lib") f.lib_dir = a.value(arg);
    else if (arg == "--max-events") f.max_events = a.u64(arg);
    else if (arg == "--quiet") f.quiet = true;
    else if (arg == "--suite") f.suite = true;
    else if (arg == "--mutate") read_mutation(a.value(arg), f.mutations);
    else if (arg == "--kept-for") f.kept_for.push_back(read_kept_for(a.value(arg)));
    else if (arg == "--set") {
      const std::string kv = a.value(arg);
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--set expects KEY=VALUE, got '" + kv + "'");
      f.sets[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (arg.rfind("--", 0) == 0) {
      throw UsageError("unknown option " + arg);
    } else {
      f.scripts.push_back(arg);
    }
  }
  if (f.scripts.empty()) throw UsageError("needs at least one SCRIPT.lua");
  if (!f.trace_path.empty() && f.scripts.size() > 1) throw UsageError("--trace takes a single script");
  if (!f.capture_path.empty() && f.scripts.size() > 1) throw UsageError("--capture takes a single script");
  return f;
}

std::string repro_for(const std::string& script, std::uint64_t seed, const std::string& lib_dir,
                      const engine::Mutations& m) {
  return "build/clsim run " + script + " --seed " + std::to_string(seed) + (lib_dir.empty() ? "" : " --lib " + lib_dir) +
         m.flags();
}

sim::lua::ScriptOptions script_options(const RunFlags& flags, const std::string& script, TraceFile* trace_file) {
  sim::lua::ScriptOptions opts;
  opts.script_path = script;
  opts.seed = flags.seed;
  opts.args = flags.sets;
  opts.lib_dir = flags.lib_dir;
  opts.max_events = flags.max_events;
  opts.mutations = flags.mutations;
  if (trace_file) opts.trace_sink = [trace_file](const std::string& line) { trace_file->write(line); };
  return opts;
}

// The run's report, printed as its summary (or a FAIL line when quiet); a
// stand-in naming the error when the script never built its world.
nlohmann::ordered_json run_report(const RunFlags& flags, const std::string& script, sim::lua::ScriptResult& result,
                                  double wall_s) {
  if (!result.sim) {
    std::fprintf(stderr, "%s\n", result.error.c_str());
    return {{"clsim_report", 1}, {"scenario", script}, {"result", sim::result_name(result.exit_code)},
            {"error", result.error}};
  }
  sim::RunInfo info{script, result.scenario_name, result.seed, result.exit_code, wall_s, result.script_sha256,
                    repro_for(script, result.seed, flags.lib_dir, flags.mutations)};
  auto report = sim::build_report(info, *result.sim);
  if (result.exit_code == 2) report["error"] = result.error;
  if (!flags.quiet) print_summary(stdout, report);
  else if (result.exit_code != 0) std::fprintf(stderr, "FAIL %s (repro: %s)\n", script.c_str(), info.repro.c_str());
  return report;
}

// Runs one script, its report appended to `runs`; the exit code it earned.
int run_one(const RunFlags& flags, const std::string& script, TraceFile* trace_file, nlohmann::ordered_json& runs) {
  sim::lua::ScriptOptions opts = script_options(flags, script, trace_file);
  std::unique_ptr<CaptureFile> capture;
  if (!flags.capture_path.empty()) {
    capture = std::make_unique<CaptureFile>(flags.capture_path);
    capture->attach(opts);
  }
  int worst = 0;
  // Wall time is for people reading the report; it never reaches the trace.
  const auto wall_start = std::chrono::steady_clock::now();  // clsim-allow-nondeterminism: report wall time
  ProgressLine progress(script, wall_start);
  auto result = sim::lua::run_script(opts, [&](sim::World& w) {
    if (!flags.quiet && ::isatty(STDERR_FILENO)) w.set_progress([&](sim::World& world) { progress.update(world); });
  });
  progress.clear();
  if (std::string cap_error; capture && !capture->commit(result.sim.get(), &cap_error)) {
    std::fprintf(stderr, "clsim run: %s\n", cap_error.c_str());
    worst = 2;
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();  // clsim-allow-nondeterminism: report wall time
  worst = std::max(worst, result.exit_code);
  auto report = run_report(flags, script, result, wall_s);
  worst = std::max(worst, check_kept_for(report, flags.kept_for));
  runs.push_back(std::move(report));
  return worst;
}

}  // namespace

int run_command(int argc, char** argv) {
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--random") return random_run_command(argc, argv);  // sim/cli/swarm_command.cpp
  const RunFlags flags = parse(argc, argv);
  std::unique_ptr<TraceFile> trace_file;
  if (!flags.trace_path.empty()) {
    trace_file = std::make_unique<TraceFile>(flags.trace_path, "clsim run");
    if (!trace_file->ok()) return 2;
  }
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  int worst = 0;
  for (const auto& script : flags.scripts) worst = std::max(worst, run_one(flags, script, trace_file.get(), runs));
  if (trace_file && !trace_file->commit()) return std::max(worst, 2);
  nlohmann::ordered_json out;
  if (runs.size() == 1 && !flags.suite) {
    out = runs[0];
  } else {
    out = {{"clsim_suite", 1}, {"result", sim::result_name(worst)}, {"runs", runs}};
    if (!flags.quiet) print_suite_summary(stdout, out);
  }
  if (!write_report_files(out, flags.report_path, flags.html_path, "run")) return std::max(worst, 2);
  return worst;
}

}  // namespace clsim::cli
