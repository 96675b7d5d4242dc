#include "sim/cli/kept_for.hpp"

#include <cstdio>

#include "sim/cli/args.hpp"

namespace clsim::cli {

sim::RequiredCell read_kept_for(const std::string& value) {
  std::string error;
  const auto cell = sim::parse_required_cell(value, error);
  if (!cell) throw UsageError("--kept-for: " + error);
  return *cell;
}

int check_kept_for(nlohmann::ordered_json& report, const std::vector<sim::RequiredCell>& cells) {
  if (cells.empty()) return 0;
  nlohmann::json coverage = report.contains("coverage") ? nlohmann::json::parse(report["coverage"].dump())
                                                        : nlohmann::json::object();
  // A run's report counts the faults that fired beside its coverage.
  if (!coverage.contains("faults") && report.contains("faults"))
    coverage["faults"] = nlohmann::json::parse(report["faults"].dump());
  const auto missing = sim::unreached(coverage, cells);
  auto& out = report["kept_for"] = nlohmann::ordered_json::array();
  for (const auto& c : cells) {
    bool reached = true;
    for (const auto& m : missing) reached = reached && !(m.section == c.section && m.key == c.key);
    out.push_back({{"cell", c.section + " " + c.key}, {"reached", reached}});
    if (!reached)
      std::fprintf(stderr, "kept for '%s %s', which this run no longer reaches: the regression tests nothing\n",
                   c.section.c_str(), c.key.c_str());
  }
  return missing.empty() ? 0 : 1;
}

}  // namespace clsim::cli
