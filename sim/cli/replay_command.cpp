// clsim replay: feeds an event log to a fresh simulated world (docs/CONTRACTS.md
// "Replay"), prints the summary and the divergences, writes report and HTML whole.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/report_files.hpp"
#include "sim/cli/summary.hpp"
#include "sim/cli/trace_file.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/world/report.hpp"
#include "sim/world/sha256.hpp"

namespace clsim::cli {

namespace {

struct ReplayFlags {
  std::string log_path, check_path, report_path, html_path, trace_path;
  std::optional<std::uint64_t> seed;
  bool lenient = false, quiet = false;
  std::uint64_t match_window_s = 60;
  engine::Mutations mutations;
  std::string mutate_flags;  // for the repro line
};

ReplayFlags parse(int argc, char** argv) {
  ReplayFlags f;
  Args a(argc, argv, 2);
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--seed") f.seed = a.u64(arg);
    else if (arg == "--check") f.check_path = a.value(arg);
    else if (arg == "--report") f.report_path = a.value(arg);
    else if (arg == "--html") f.html_path = a.value(arg);
    else if (arg == "--trace") f.trace_path = a.value(arg);
    else if (arg == "--lenient") f.lenient = true;
    else if (arg == "--quiet") f.quiet = true;
    else if (arg == "--match-window") f.match_window_s = a.u64(arg);
    else if (arg == "--mutate") {
      const std::string m = a.value(arg);
      if (m == "skip_inbox_dedup") f.mutations.skip_inbox_dedup = true;
      else if (m == "skip_duplicate_tweet_check") f.mutations.skip_duplicate_tweet_check = true;
      else if (m == "pay_without_idempotent_id") f.mutations.pay_without_idempotent_id = true;
      else throw UsageError("unknown mutation '" + m + "'");
      f.mutate_flags += " --mutate " + m;
    }
    else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
    else if (f.log_path.empty()) f.log_path = arg;
    else throw UsageError("takes one LOG.jsonl, got a second: " + arg);
  }
  if (f.log_path.empty()) throw UsageError("needs a LOG.jsonl");
  return f;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string replay_repro(const ReplayFlags& flags, std::uint64_t seed) {
  std::string repro = "build/clsim replay " + flags.log_path + " --seed " + std::to_string(seed);
  if (!flags.check_path.empty()) repro += " --check " + flags.check_path;
  repro += flags.mutate_flags;
  if (flags.match_window_s != 60) repro += " --match-window " + std::to_string(flags.match_window_s);
  return repro;
}

// The run report with what the replay adds: divergences, refusals and how the log was fed.
nlohmann::ordered_json replay_report(const ReplayFlags& flags, const sim::EventLog& log, sim::ReplayResult& result,
                                     const std::string& text, double wall_s, const std::string& repro) {
  sim::RunInfo info{flags.log_path, "replay " + flags.log_path, result.seed, result.exit_code, wall_s,
                    sim::sha256_hex(text), repro};
  auto report = sim::build_report(info, *result.sim);
  report["divergences"] = sim::to_json(result.divergences);
  auto refusals = nlohmann::ordered_json::array();
  for (const auto& r : result.refusals) refusals.push_back({{"line", r.line}, {"type", r.type}, {"reason", r.reason}});
  report["refusals"] = refusals;
  report["replay"] = {{"log", flags.log_path},
                      {"lines", log.lines.size()},
                      {"lines_fed", result.lines_fed},
                      {"skipped", log.skipped.size()},
                      {"time_shift_us", result.shift_us},
                      {"match_window_us", std::int64_t(flags.match_window_s) * 1'000'000},
                      {"lines_per_second", wall_s > 0 ? double(result.lines_fed) / wall_s : 0.0}};
  return report;
}

void print_replay(const ReplayFlags& flags, const sim::ReplayResult& result, const nlohmann::ordered_json& report,
                  const std::string& repro) {
  if (!flags.quiet) {
    print_summary(stdout, report);
    std::printf("replay: %zu lines fed, %zu divergences, %zu refusals\n", std::size_t(result.lines_fed),
                result.divergences.size(), result.refusals.size());
    for (const auto& d : result.divergences)
      std::printf("  line %d: %s %s of %s\n", d.line, d.kind.c_str(), d.type.c_str(), d.campaign_id.c_str());
  } else if (result.exit_code != 0) {
    std::fprintf(stderr, "FAIL %s (repro: %s)\n", flags.log_path.c_str(), repro.c_str());
  }
}

}  // namespace

int replay_command(int argc, char** argv) {
  const ReplayFlags flags = parse(argc, argv);
  sim::EventLog log;
  const std::string text = read_text(flags.log_path);
  try {
    log = sim::read_event_log(flags.log_path, flags.lenient);
  } catch (const sim::LogError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  for (const auto& s : log.skipped) std::fprintf(stderr, "%s\n", s.c_str());
  sim::ReplayOptions opts;
  opts.seed = flags.seed;
  opts.check_path = flags.check_path;
  opts.match_window = sim::Duration(std::int64_t(flags.match_window_s) * 1'000'000);
  opts.identity = text;
  opts.mutations = flags.mutations;
  std::unique_ptr<TraceFile> trace_file;
  if (!flags.trace_path.empty()) {
    trace_file = std::make_unique<TraceFile>(flags.trace_path, "clsim replay");
    if (!trace_file->ok()) return 2;
    opts.trace_sink = [file = trace_file.get()](const std::string& line) { file->write(line); };
  }
  const auto wall_start = std::chrono::steady_clock::now();  // clsim-allow-nondeterminism: report wall time
  auto result = sim::replay_log(log, opts);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();  // clsim-allow-nondeterminism: report wall time
  if (!result.sim || result.exit_code == 2) {
    std::fprintf(stderr, "%s\n", result.error.c_str());
    return 2;
  }
  if (trace_file && !trace_file->commit()) return std::max(result.exit_code, 2);
  const std::string repro = replay_repro(flags, result.seed);
  const auto report = replay_report(flags, log, result, text, wall_s, repro);
  print_replay(flags, result, report, repro);
  if (!write_report_files(report, flags.report_path, flags.html_path, "replay")) return std::max(result.exit_code, 2);
  return result.exit_code;
}

}  // namespace clsim::cli
