// clsim minimize: shrinks a failing event log with delta debugging to the lines
// the failure needs; --out is written whole, and only when minimization finished.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/random_flags.hpp"
#include "sim/cli/report_files.hpp"
#include "sim/replay/minimizer.hpp"

namespace clsim::cli {

int minimize_command(int argc, char** argv) {
  std::string log_path, out_path, check_path;
  bool lenient = false;
  sim::ReplayOptions opts;
  Args a(argc, argv, 2);
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--out") out_path = a.value(arg);
    else if (arg == "--check") check_path = a.value(arg);
    else if (arg == "--lenient") lenient = true;
    else if (arg == "--seed") opts.seed = a.u64(arg);
    else if (arg == "--match-window") opts.match_window = sim::Duration(std::int64_t(a.u64(arg)) * 1'000'000);
    else if (arg == "--mutate") read_mutation(a.value(arg), opts.mutations);
    else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
    else if (log_path.empty()) log_path = arg;
    else throw UsageError("takes one LOG.jsonl, got a second: " + arg);
  }
  if (log_path.empty()) throw UsageError("needs a LOG.jsonl");
  if (out_path.empty()) throw UsageError("needs --out MIN.jsonl");
  opts.check_path = check_path;
  sim::EventLog log;
  try {
    log = sim::read_event_log(log_path, lenient);
  } catch (const sim::LogError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  const auto result = sim::minimize_log(log, opts, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  if (!result.failed) {
    std::fprintf(stderr, "clsim minimize: %s does not fail when replayed; nothing written\n", log_path.c_str());
    return 2;
  }
  if (!write_output(out_path, result.text, "minimize")) return 2;
  std::printf("minimize: %s\n  failure: %s\n  lines: %zu before, %zu after\n  replays tried: %d\n  wrote %s\n",
              log_path.c_str(), result.signature.c_str(), result.lines_before, result.lines_after, result.replays,
              out_path.c_str());
  return 0;
}

}  // namespace clsim::cli
