// The few lines a person reads after a run: result, seed, trace hash, campaigns
// by state, invariants, faults, wall time, and the repro command on failure.
#pragma once
#include <cstdio>

#include <nlohmann/json.hpp>

namespace clsim::cli {

void print_summary(std::FILE* out, const nlohmann::ordered_json& report);
void print_suite_summary(std::FILE* out, const nlohmann::ordered_json& suite);

}  // namespace clsim::cli
