// --kept-for "SECTION KEY" (clsim run, run --random): the coverage cell a
// regression seed or scenario is kept for (a "sometimes" mark, a crash point, a
// matrix cell). A run that no longer reaches it fails, so a change in timing or
// plan cannot turn a regression test into a test of nothing.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/swarm/required_coverage.hpp"

namespace clsim::cli {

// UsageError for a value that is not "<section> <key>" of a known section.
sim::RequiredCell read_kept_for(const std::string& value);
// Adds "kept_for": [{"cell", "reached"}] to the report; prints each cell not
// reached on stderr. 1 when one was not, else 0.
int check_kept_for(nlohmann::ordered_json& report, const std::vector<sim::RequiredCell>& cells);

}  // namespace clsim::cli
