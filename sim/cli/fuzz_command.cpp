// clsim fuzz: random-workload seeds never run before, in batches of child
// processes (sim/cli/child_runs.hpp), until a wall-time budget or a seed count
// is spent; the state directory remembers what ran (sim/swarm/fuzz_state.hpp),
// so the next run continues. Each failing seed is shrunk to a scenario under
// DIR/failures/. With --guided each batch's bias flags aim at the coverage
// cells not reached yet (sim/swarm/coverage_guide.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>

#include "sim/cli/args.hpp"
#include "sim/cli/child_runs.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/progress_line.hpp"
#include "sim/cli/random_flags.hpp"
#include "sim/cli/report_files.hpp"
#include "sim/swarm/fuzz_failure.hpp"
#include "sim/swarm/fuzz_state.hpp"
#include "sim/swarm/required_coverage.hpp"
#include "sim/swarm/swarm_summary.hpp"

namespace clsim::cli {

namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;  // clsim-allow-nondeterminism: the budget and seeds/s, never simulation

constexpr const char* kDefaultRequire = "tests/swarm/required_coverage.txt";

struct FuzzFlags {
  std::string state_dir;
  std::optional<double> budget_s;
  std::optional<std::uint64_t> max_seeds;
  std::uint64_t fuzz_seed = 1;
  bool guided = false;
  ChildRunSpec spec;
  std::string require_path;
  int shrink_runs = 200;
};

FuzzFlags parse(int argc, char** argv) {
  FuzzFlags f;
  f.spec.random = true;
  Args a(argc, argv, 2);
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--state") f.state_dir = a.value(arg);
    else if (arg == "--budget-s") f.budget_s = double(std::max<std::uint64_t>(1, a.u64(arg)));
    else if (arg == "--max-seeds") f.max_seeds = std::max<std::uint64_t>(1, a.u64(arg));
    else if (arg == "--seed") f.fuzz_seed = a.u64(arg);
    else if (arg == "--guided") f.guided = true;
    else if (arg == "--jobs") f.spec.jobs = std::max<std::uint64_t>(1, a.u64(arg));
    else if (arg == "--timeout-s") f.spec.timeout_s = double(std::max<std::uint64_t>(1, a.u64(arg)));
    else if (arg == "--mutate") read_mutation(a.value(arg), f.spec.mutations);
    else if (arg == "--require") f.require_path = a.value(arg);
    else if (arg == "--shrink-runs") f.shrink_runs = int(std::clamp<std::uint64_t>(a.u64(arg), 1, 100000));
    else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
    else throw UsageError("unexpected argument '" + arg + "'");
  }
  if (f.state_dir.empty()) throw UsageError("needs --state DIR");
  if (!f.budget_s && !f.max_seeds) throw UsageError("needs --budget-s S (or --max-seeds N)");
  return f;
}

// The required cells: --require FILE, else the repository's matrix when it is here.
std::vector<sim::RequiredCell> read_required(FuzzFlags& f) {
  if (f.require_path.empty()) {
    if (!std::ifstream(kDefaultRequire)) return {};
    f.require_path = kDefaultRequire;
  }
  try {
    return sim::read_required_coverage(f.require_path);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--require: ") + e.what());
  }
}

// DIR/fuzz.json when there; false after printing why it cannot be used.
bool load_state(const std::string& path, sim::FuzzState& state) {
  std::ifstream in(path);
  if (!in) return true;  // a new state directory
  try {
    state.load(json::parse(in, nullptr, false));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "clsim fuzz: %s: %s\n", path.c_str(), e.what());
    return false;
  }
  return true;
}

bool save_state(const std::string& path, const sim::FuzzState& state) {
  return write_output(path, state.to_json().dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                      "fuzz");
}

// Writes DIR/failures/seed_N/: the report, the seed, the repro and the shrunk
// scenario; prints where. Returns what the state notes about the files.
std::string keep_failure(const FuzzFlags& f, const sim::FuzzSeed& s, const json& report, const sim::FuzzState& state) {
  namespace fs = std::filesystem;
  const std::string rel = "failures/seed_" + std::to_string(s.seed);
  const fs::path dir = fs::path(f.state_dir) / rel;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string invariant = sim::failure_name(report);
  const std::string repro = report.value("repro", child_repro(f.spec, {s.seed, s.bias}));
  std::fprintf(stderr, "FAIL seed %llu: %s (repro: %s)\n", static_cast<unsigned long long>(s.seed), invariant.c_str(),
               repro.c_str());
  write_output((dir / "report.json").string(), report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", "fuzz");
  write_output((dir / "seed.txt").string(), std::to_string(s.seed) + "\n", "fuzz");
  write_output((dir / "repro.txt").string(), repro + "\n", "fuzz");
  if (report.value("result", "") != "fail") return rel + " (not shrunk: " + report.value("result", "") + ")";
  sim::FuzzFailureInput in{s.seed, s.bias, f.spec.mutations, invariant, f.shrink_runs,
                           nlohmann::json::parse(state.summary().coverage().dump())};
  const sim::FuzzFailureOutput out = sim::shrink_fuzz_failure(in);
  if (!out.shrunk) {
    std::fprintf(stderr, "  not shrunk: %s\n", out.why_not.c_str());
    return rel + " (not shrunk: " + out.why_not + ")";
  }
  const std::string lua = rel + "/" + out.file_name;
  if (!write_output((fs::path(f.state_dir) / lua).string(), out.lua, "fuzz")) return rel;
  std::fprintf(stderr, "  shrunk (%s): %s/%s\n  kept for: %s; as a regression test: cp %s/%s tests/swarm/shrunk/\n",
               out.summary.c_str(), f.state_dir.c_str(), lua.c_str(),
               out.kept_for.empty() ? "(none found)" : out.kept_for.c_str(), f.state_dir.c_str(), lua.c_str());
  return lua;
}

void print_summary(const FuzzFlags& f, const sim::FuzzState& state, const std::vector<sim::RequiredCell>& required,
                   std::size_t run_now, std::size_t failed_now, double wall_s) {
  std::printf("fuzz: %zu seeds this run, %zu in total; %zu failed this run, %zu in total\n", run_now,
              state.seeds_run(), failed_now, state.summary().failures().size());
  std::printf("  cells reached: %zu", state.cells_reached());
  const auto missed = state.unreached_required(required);
  if (!required.empty()) {
    std::printf("; required %zu/%zu (%s)", required.size() - missed.size(), required.size(), f.require_path.c_str());
    if (const auto at = state.required_complete_at()) std::printf(", all reached after %zu seeds", *at);
  }
  std::printf("\n  %.1f seeds/s, %.1f s wall time with %llu jobs\n", wall_s > 0 ? double(run_now) / wall_s : 0.0,
              wall_s, static_cast<unsigned long long>(f.spec.jobs));
  constexpr std::size_t kListed = 8;  // the rest is in fuzz.json's coverage
  for (std::size_t i = 0; i < missed.size() && i < kListed; ++i)
    std::printf("  not reached yet: %s %s\n", missed[i].section.c_str(), missed[i].key.c_str());
  if (missed.size() > kListed) std::printf("  ... and %zu more\n", missed.size() - kListed);
}

}  // namespace

int fuzz_command(int argc, char** argv) {
  FuzzFlags f = parse(argc, argv);
  const std::vector<sim::RequiredCell> required = read_required(f);
  std::error_code ec;
  std::filesystem::create_directories(f.state_dir, ec);
  const std::string state_path = f.state_dir + "/fuzz.json";
  sim::FuzzState state(f.fuzz_seed, f.guided, f.spec.mutations);
  if (!load_state(state_path, state)) return 2;

  const auto start = Clock::now();
  const auto spent = [&] { return f.budget_s && std::chrono::duration<double>(Clock::now() - start).count() >= *f.budget_s; };
  ProgressLine progress("fuzz", start);
  const bool tty = ::isatty(STDERR_FILENO);
  std::size_t run_now = 0, failed_now = 0;
  while (!(f.max_seeds && run_now >= *f.max_seeds) && !spent()) {
    const auto work = state.next(f.max_seeds ? *f.max_seeds - run_now : sim::FuzzState::kBatchSeeds, required);
    std::vector<SeedRun> runs;
    for (const auto& w : work) runs.push_back({w.seed, w.bias});
    ChildRunHooks hooks;
    hooks.stop = spent;
    // Coverage changes only between batches: counted once, not at every redraw.
    const std::size_t cells = state.cells_reached(),
                      required_reached = required.size() - state.unreached_required(required).size();
    if (tty)
      hooks.progress = [&](std::size_t done, std::size_t failed, std::size_t) {
        const double s = progress.elapsed_s();
        char line[256];
        std::snprintf(line, sizeof line, "fuzz: %zu seeds, %.1f seeds/s, %zu failed, %zu cells, %zu/%zu required",
                      run_now + done, s > 0 ? double(run_now + done) / s : 0.0, failed_now + failed, cells,
                      required_reached, required.size());
        progress.show(line);
      };
    const auto done = run_children(f.spec, runs, hooks);
    std::vector<std::pair<sim::FuzzSeed, json>> failures;
    for (const auto& w : work) {  // in batch order, whichever child finished first
      const auto it = done.find(w.seed);
      if (it == done.end()) continue;  // stopped by the budget: it stays pending
      state.record(w, it->second, required);
      ++run_now;
      if (it->second.value("result", "") != "pass") failures.emplace_back(w, it->second);
    }
    if (!save_state(state_path, state)) return 2;
    progress.clear();
    for (const auto& [w, report] : failures) {
      ++failed_now;
      state.note_failure_files(w.seed, keep_failure(f, w, report, state));
    }
    if (!failures.empty() && !save_state(state_path, state)) return 2;
    if (done.size() < work.size()) break;
  }
  progress.clear();
  print_summary(f, state, required, run_now, failed_now, std::chrono::duration<double>(Clock::now() - start).count());
  return failed_now > 0 ? 1 : 0;
}

}  // namespace clsim::cli
