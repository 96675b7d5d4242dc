// Builds the run report (docs/CONTRACTS.md "Report JSON") from a finished world. The
// report is a superset of the contract: keys are added, never renamed.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "sim/world/simulation.hpp"

namespace clsim::sim {

struct RunInfo {
  std::string scenario;  // the script path as given
  std::string scenario_name;
  std::uint64_t seed = 1;
  int exit_code = 0;
  double wall_time_s = 0;
  std::string script_sha256;
  std::string repro;
};

const char* result_name(int exit_code);
nlohmann::ordered_json build_report(const RunInfo& info, Simulation& sim);

}  // namespace clsim::sim
