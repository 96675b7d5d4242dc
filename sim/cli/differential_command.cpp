// clsim differential: one workload fed to a live service and to the simulator, their
// outcomes compared (sim/differential/differential.hpp); the report written whole.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/report_files.hpp"
#include "sim/differential/differential.hpp"

namespace clsim::cli {

namespace {

constexpr std::uint64_t kTimeoutMaxS = 86'400;

struct DifferentialFlags {
  differential::DifferentialOptions options;
  std::string report_path;
};

DifferentialFlags parse(int argc, char** argv) {
  DifferentialFlags f;
  Args a(argc, argv, 2);
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--keep") f.options.keep_dir = a.value(arg);
    else if (arg == "--report") f.report_path = a.value(arg);
    else if (arg == "--timeout-s") {
      const std::uint64_t t = a.u64(arg);
      if (t == 0 || t > kTimeoutMaxS)
        throw UsageError("--timeout-s: expected 1.." + std::to_string(kTimeoutMaxS) + " seconds, got " + std::to_string(t));
      f.options.timeout = std::chrono::seconds(t);
    }
    else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
    else if (f.options.workload_path.empty()) f.options.workload_path = arg;
    else throw UsageError("takes one WORKLOAD.jsonl, got a second: " + arg);
  }
  if (f.options.workload_path.empty()) throw UsageError("needs a WORKLOAD.jsonl");
  f.options.progress = ::isatty(STDERR_FILENO) != 0;
  return f;
}

}  // namespace

int differential_command(int argc, char** argv) {
  const DifferentialFlags flags = parse(argc, argv);
  const auto result = differential::run_differential(flags.options);
  if (!flags.report_path.empty() && !result.report.is_null() &&
      !write_output(flags.report_path, result.report.dump(2) + "\n", "differential"))
    return std::max(result.exit_code, 2);
  return result.exit_code;
}

}  // namespace clsim::cli
