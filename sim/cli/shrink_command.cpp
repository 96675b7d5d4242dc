// clsim shrink: a failing seed to the smallest explicit Lua scenario that still
// fails the same way (sim/swarm/shrinker.hpp). --out is written whole, and only
// when the scenario it holds was checked to fail.
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/random_flags.hpp"
#include "sim/cli/report_files.hpp"
#include "sim/swarm/shrinker.hpp"

namespace clsim::cli {

namespace {

struct ShrinkFlags {
  sim::ShrinkOptions options;
  std::string out_path;
  bool random = false, quiet = false;
};

ShrinkFlags parse(int argc, char** argv) {
  ShrinkFlags f;
  sim::ShrinkOptions& o = f.options;
  bool seed_given = false;
  Args a(argc, argv, 2);
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--seed") o.seed = a.u64(arg), seed_given = true;
    else if (arg == "--random") f.random = true;
    else if (arg == "--scenario") o.scenario = a.value(arg);
    else if (arg == "--out") f.out_path = a.value(arg);
    else if (arg == "--lib") o.lib_dir = a.value(arg);
    else if (arg == "--max-runs") o.max_runs = int(std::max<std::uint64_t>(1, a.u64(arg)));
    else if (arg == "--quiet") f.quiet = true;
    else if (arg == "--mutate") read_mutation(a.value(arg), o.mutations);
    else if (read_bias_flag(a, arg, o.bias)) continue;
    else throw UsageError("unexpected argument '" + arg + "'");
  }
  if (f.random == !o.scenario.empty()) throw UsageError("needs exactly one of --scenario SCRIPT.lua or --random");
  if (!seed_given) throw UsageError("needs --seed N");
  if (f.out_path.empty()) throw UsageError("needs --out MIN.lua");
  if (!f.random && !sim::bias_args(o.bias).empty())
    throw UsageError("--focused, --fault, --crash-at and --late-heal go with --random");
  return f;
}

// The --lib DIR the written file needs to `require` what the script did: the
// script's lib/, unless that is the lib/ beside the written file.
std::string run_lib_for(const sim::ShrinkOptions& o, const std::string& out_path) {
  namespace fs = std::filesystem;
  const fs::path lib = o.lib_dir.empty() ? fs::path(o.scenario).parent_path() / "lib" : fs::path(o.lib_dir);
  std::error_code ec;
  const fs::path beside = fs::absolute(fs::path(out_path)).parent_path() / "lib";
  return fs::equivalent(lib, beside, ec) ? "" : lib.lexically_normal().string();
}

void print_shrunk(const ShrinkFlags& f, const sim::ShrinkResult& r) {
  const auto line = [](const char* what, std::size_t before, std::size_t after) {
    std::printf("  %-20s %zu -> %zu\n", what, before, after);
  };
  std::printf("shrink: %s seed %llu\n  failure: %s\n", f.random ? "random" : f.options.scenario.c_str(),
              static_cast<unsigned long long>(f.options.seed), r.signature.c_str());
  line("scheduled faults", r.before.scheduled, r.after.scheduled);
  if (f.random) {
    line("fault settings", r.before.fault_keys, r.after.fault_keys);
    line("armed crash points", r.before.crash_points, r.after.crash_points);
    line("actions", r.before.actions, r.after.actions);
  }
  std::printf("  runs: %d%s\n  wrote %s\n", r.runs, r.gave_up ? " (the --max-runs budget ended the search)" : "",
              f.out_path.c_str());
}

}  // namespace

int shrink_command(int argc, char** argv) {
  ShrinkFlags f = parse(argc, argv);
  sim::ShrinkOptions& o = f.options;
  o.out_name = f.out_path;
  if (!f.random) o.run_lib = run_lib_for(o, f.out_path);
  const bool show = !f.quiet && ::isatty(STDERR_FILENO);
  o.progress = [&](const std::string& line) {
    if (show) std::fprintf(stderr, "\r%s\033[K", line.c_str());
  };
  const sim::ShrinkResult r = sim::shrink(o);
  if (show) std::fprintf(stderr, "\r\033[K");
  if (r.exit_code != 0) {
    std::fprintf(stderr, "clsim shrink: %s; nothing written\n", r.error.c_str());
    return r.exit_code;
  }
  if (!write_output(f.out_path, r.lua, "shrink")) return 2;
  print_shrunk(f, r);
  return 0;
}

}  // namespace clsim::cli
