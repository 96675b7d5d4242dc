// Coverage a swarm must reach (`clsim swarm --require FILE`): one cell a line,
// "<section> <key>" of the merged coverage (e.g. `matrix RUNNING->CLOSED x
// hedera_busy x none`, `sometimes duplicate_tweet_prevented`). A swarm whose
// faults never hit a listed moment fails, so "it ran" is never taken for "it tested".
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clsim::sim {

struct RequiredCell {
  int line = 0;
  std::string section, key;
};

// "<section> <key>" (trimmed) as a cell; std::nullopt with `error` set otherwise.
std::optional<RequiredCell> parse_required_cell(const std::string& text, std::string& error);
// Throws std::invalid_argument "FILE:LINE: what is wrong"; `#` comments and blank lines are skipped.
std::vector<RequiredCell> read_required_coverage(const std::string& path);
// The cells with no count in `coverage` (a swarm summary's "coverage"), in file order.
std::vector<RequiredCell> unreached(const nlohmann::json& coverage, const std::vector<RequiredCell>& cells);

}  // namespace clsim::sim
