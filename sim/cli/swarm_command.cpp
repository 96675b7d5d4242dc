// clsim run --random (one seed of the swarm's random workload) and clsim swarm:
// many seeds, each in its own child process (sim/cli/child_runs.hpp), results
// gathered in seed order, and --merge for shard outputs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "sim/cli/args.hpp"
#include "sim/cli/capture_file.hpp"
#include "sim/cli/child_runs.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/kept_for.hpp"
#include "sim/cli/progress_line.hpp"
#include "sim/cli/random_flags.hpp"
#include "sim/cli/report_files.hpp"
#include "sim/cli/summary.hpp"
#include "sim/cli/trace_file.hpp"
#include "sim/swarm/random_run.hpp"
#include "sim/swarm/required_coverage.hpp"
#include "sim/swarm/swarm_seeds.hpp"
#include "sim/swarm/swarm_summary.hpp"
#include "sim/world/catalogue.hpp"

namespace clsim::cli {

namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;  // clsim-allow-nondeterminism: CLI wall-time limits, never simulation

std::string dump_line(const json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// ---- clsim run --random ---------------------------------------------------

struct SwarmFlags {
  bool random = false;
  std::string scenario;
  sim::SeedSelection seeds;
  std::uint64_t jobs = 1;
  std::string out_dir;
  double timeout_s = 300;
  engine::Mutations mutations;
  std::vector<std::string> merge_dirs;
  bool merge = false;
  std::vector<sim::RequiredCell> required;  // --require FILE
};

ChildRunSpec child_spec(const SwarmFlags& f) {
  return {f.random, f.scenario, f.mutations, f.timeout_s, f.jobs};
}

SwarmFlags parse_swarm(int argc, char** argv) {
  SwarmFlags f;
  Args a(argc, argv, 2);
  bool seeds_given = false;
  try {
    while (!a.done()) {
      const std::string arg = a.next();
      if (arg == "--random") f.random = true;
      else if (arg == "--scenario") f.scenario = a.value(arg);
      else if (arg == "--seeds") sim::parse_seed_range(a.value(arg), f.seeds), seeds_given = true;
      else if (arg == "--count") {
        const std::uint64_t n = a.u64(arg);
        if (n == 0) throw UsageError("--count needs N >= 1");
        f.seeds.first = 1, f.seeds.last = n, seeds_given = true;
      } else if (arg == "--shard") sim::parse_shard(a.value(arg), f.seeds);
      else if (arg == "--jobs") f.jobs = std::max<std::uint64_t>(1, a.u64(arg));
      else if (arg == "--out") f.out_dir = a.value(arg);
      else if (arg == "--timeout-s") f.timeout_s = double(std::max<std::uint64_t>(1, a.u64(arg)));
      else if (arg == "--mutate") read_mutation(a.value(arg), f.mutations);
      else if (arg == "--merge") f.merge = true;
      else if (arg == "--require") f.required = sim::read_required_coverage(a.value(arg));
      else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
      else if (f.merge) f.merge_dirs.push_back(arg);
      else throw UsageError("unexpected argument '" + arg + "'");
    }
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (f.merge) {
    if (f.merge_dirs.empty()) throw UsageError("--merge needs at least one DIR");
    return f;
  }
  if (f.random == !f.scenario.empty()) throw UsageError("needs exactly one of --scenario SCRIPT.lua or --random");
  if (!seeds_given) throw UsageError("needs --seeds A..B or --count N");
  return f;
}

int write_swarm(const SwarmFlags& f, const sim::SwarmSummary& summary, const std::vector<std::string>& lines) {
  auto j = summary.to_json();
  const auto missed = sim::unreached(json(j["coverage"]), f.required);
  if (!f.required.empty()) {
    j["required_coverage"] = {{"cells", f.required.size()}, {"unreached", json::array()}};
    for (const auto& c : missed) j["required_coverage"]["unreached"].push_back(c.section + " " + c.key);
  }
  const std::string text = j.dump(2) + "\n";
  if (f.out_dir.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(f.out_dir, ec);
    std::string runs;
    for (const auto& l : lines) runs += l + "\n";
    if (!write_output(f.out_dir + "/runs.jsonl", runs, "swarm") ||
        !write_output(f.out_dir + "/summary.json", text, "swarm"))
      return 2;
  }
  for (const auto& [seed, fail] : summary.failures()) {
    std::fprintf(stderr, "FAIL seed %llu: %s (repro: %s)\n", static_cast<unsigned long long>(seed),
                 fail.invariant.c_str(), fail.repro.c_str());
    if (const std::string shrink = sim::shrink_command_for(fail, seed); !shrink.empty())
      std::fprintf(stderr, "  to a scenario: %s\n", shrink.c_str());
  }
  for (const auto& c : missed)
    std::fprintf(stderr, "coverage never reached (required at line %d): %s %s\n", c.line, c.section.c_str(),
                 c.key.c_str());
  return summary.failed() || !missed.empty() ? 1 : 0;
}

int merge_swarms(const SwarmFlags& f) {
  sim::SwarmSummary summary;
  std::map<std::uint64_t, std::string> lines;
  for (const auto& dir : f.merge_dirs) {
    std::ifstream in(dir + "/summary.json");
    const json s = json::parse(in, nullptr, false);
    try {
      summary.merge(s);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "clsim swarm: %s/summary.json: %s\n", dir.c_str(), in ? e.what() : "cannot read the file");
      return 2;
    }
    std::ifstream runs(dir + "/runs.jsonl");
    std::string line;
    for (int n = 1; std::getline(runs, line); ++n) {
      if (line.empty()) continue;
      const json r = json::parse(line, nullptr, false);
      if (!r.is_object() || !r.contains("seed")) {
        std::fprintf(stderr, "clsim swarm: %s/runs.jsonl:%d: not a run report\n", dir.c_str(), n);
        return 2;
      }
      lines[r["seed"].get<std::uint64_t>()] = line;
    }
  }
  std::vector<std::string> ordered;
  for (auto& [seed, l] : lines) ordered.push_back(std::move(l));
  return write_swarm(f, summary, ordered);
}

}  // namespace

int random_run_command(int argc, char** argv) {
  sim::RandomRunOptions opts;
  std::string report_path, html_path, capture_path, trace_path;
  bool quiet = false, seed_given = false;
  std::vector<sim::RequiredCell> kept_for;
  Args a(argc, argv, 2);
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--random") continue;
    if (arg == "--kept-for") kept_for.push_back(read_kept_for(a.value(arg)));
    else if (arg == "--seed") opts.seed = a.u64(arg), seed_given = true;
    else if (arg == "--report") report_path = a.value(arg);
    else if (arg == "--html") html_path = a.value(arg);
    else if (arg == "--capture") capture_path = a.value(arg);
    else if (arg == "--trace") trace_path = a.value(arg);
    else if (arg == "--quiet") quiet = true;
    else if (arg == "--max-events") opts.max_events = a.u64(arg);
    else if (arg == "--mutate") read_mutation(a.value(arg), opts.mutations);
    else if (read_bias_flag(a, arg, opts.bias)) continue;
    else throw UsageError("unexpected argument '" + arg + "' for run --random");
  }
  if (!seed_given) throw UsageError("run --random needs --seed N");
  std::unique_ptr<TraceFile> trace_file;
  if (!trace_path.empty()) {
    trace_file = std::make_unique<TraceFile>(trace_path, "clsim run --random");
    if (!trace_file->ok()) return 2;
    opts.trace_sink = [file = trace_file.get()](const std::string& line) { file->write(line); };
  }
  std::unique_ptr<CaptureFile> capture;
  if (!capture_path.empty()) {
    capture = std::make_unique<CaptureFile>(capture_path);
    capture->attach(opts);
  }
  const auto wall_start = Clock::now();
  ProgressLine progress("random seed " + std::to_string(opts.seed), wall_start);
  auto result = sim::run_random(opts, [&](sim::World& w) {
    if (!quiet && ::isatty(STDERR_FILENO)) w.set_progress([&](sim::World& world) { progress.update(world); });
  });
  progress.clear();
  if (!result.sim) {
    std::fprintf(stderr, "clsim run --random: %s\n", result.error.c_str());
    return opts.bias.extra_faults.empty() ? 3 : 2;  // a bad --fault is bad input
  }
  int capture_failed = trace_file && !trace_file->commit() ? 2 : 0;
  std::string cap_error;
  if (capture && !capture->commit(result.sim.get(), &cap_error)) {
    std::fprintf(stderr, "clsim run --random: %s\n", cap_error.c_str());
    capture_failed = 2;
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - wall_start).count();
  json report = sim::random_report(result, wall_s);
  const int kept = check_kept_for(report, kept_for);
  if (!quiet) print_summary(stdout, report);
  else if (result.exit_code != 0)
    std::fprintf(stderr, "FAIL random seed %llu: %s (repro: %s)\n", static_cast<unsigned long long>(opts.seed),
                 result.first_failure().c_str(), report.value("repro", "").c_str());
  if (!write_report_files(report, report_path, html_path, "run")) return std::max(result.exit_code, 2);
  return std::max({result.exit_code, kept, capture_failed});
}

int swarm_command(int argc, char** argv) {
  const SwarmFlags f = parse_swarm(argc, argv);
  if (f.merge) return merge_swarms(f);
  if (!f.random && !std::ifstream(f.scenario)) {
    std::fprintf(stderr, "clsim swarm: %s: cannot read the script file\n", f.scenario.c_str());
    return 2;
  }
  const auto seeds = sim::select_seeds(f.seeds);
  std::vector<SeedRun> runs;
  for (const auto seed : seeds) runs.push_back({seed, {}});
  const auto wall_start = Clock::now();
  ProgressLine progress("swarm", wall_start);
  ChildRunHooks hooks;
  if (::isatty(STDERR_FILENO))
    hooks.progress = [&](std::size_t done, std::size_t failed, std::size_t running) {
      progress.show("swarm: " + std::to_string(done) + "/" + std::to_string(seeds.size()) + " seeds done, " +
                    std::to_string(failed) + " failed, " + std::to_string(running) + " running");
    };
  const auto done = run_children(child_spec(f), runs, hooks);
  progress.clear();
  sim::SwarmSummary summary(f.random ? "random" : f.scenario);
  std::vector<std::string> lines;
  for (const auto& [seed, report] : done) {
    summary.add_run(report);
    lines.push_back(dump_line(report));
  }
  const int rc = write_swarm(f, summary, lines);
  std::fprintf(stderr, "swarm: %zu seeds, %zu failed, %.1f s wall time with %llu jobs\n", seeds.size(),
               summary.failures().size(), std::chrono::duration<double>(Clock::now() - wall_start).count(),
               static_cast<unsigned long long>(f.jobs));
  return rc;
}

}  // namespace clsim::cli
