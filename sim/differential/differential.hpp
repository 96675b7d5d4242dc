// `clsim differential WORKLOAD.jsonl`: the same workload fed to a live service
// (redis-server, clsim mockd and clsim serve as child processes) and to the
// simulator (a replay), their outcomes compared campaign by campaign. Prints the
// table on stdout; the command writes the report.
#pragma once
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::differential {

struct DifferentialOptions {
  std::string workload_path;
  std::string keep_dir;  // --keep DIR ("" a temporary directory, removed at the end)
  std::chrono::seconds timeout{300};  // --timeout-s: the wait for the live side after the last line
  bool progress = false;              // stderr is a terminal
};

struct DifferentialResult {
  // 0 the worlds agree, 1 they differ, 2 bad input, 3 the live stack could not run
  // (or the run was interrupted).
  int exit_code = 3;
  nlohmann::ordered_json report;  // for --report; null on exit 2 and 3
};

DifferentialResult run_differential(const DifferentialOptions& options);

}  // namespace clsim::differential
