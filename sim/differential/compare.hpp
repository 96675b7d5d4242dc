// The comparison of two worlds' outcomes, live first: one row per campaign (social
// campaigns in create order, then rule campaigns), a row for the dead letters and
// one for the refused workload lines; each difference named on a detail line.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/differential/outcome.hpp"
#include "sim/differential/workload.hpp"

namespace clsim::differential {

struct Row {
  std::string id;    // "c-3", "r-1", "dead letters", "refused"
  std::string kind;  // campaign | rule_campaign | dead_letters | refused
  std::vector<std::string> cells;    // the table line after the id: "EXPIRED/EXPIRED", "tweets 2/2", ...
  std::vector<std::string> details;  // one line per difference, "what: live / simulated"
  int differences() const { return int(details.size()); }
};

struct Comparison {
  std::vector<Row> rows;
  int campaigns = 0;  // social and rule campaigns compared
  int differences = 0;
};

// The campaigns and rule campaigns are those the workload creates.
Comparison compare(const Workload& workload, const Outcomes& live, const Outcomes& simulated);

// The table, one line per row (details indented below it), then
// "differential: N campaigns, D differences".
std::string render(const Comparison& comparison);

// {"campaigns", "differences", "rows": [{"id", "kind", "line", "differences", "details"}]}
nlohmann::ordered_json to_json(const Comparison& comparison);

}  // namespace clsim::differential
