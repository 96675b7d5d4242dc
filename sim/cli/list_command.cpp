// clsim list crash-points | faults | invariants
#include <cstdio>
#include <string>
#include <vector>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/world/catalogue.hpp"
#include "sim/world/fault_keys.hpp"

namespace clsim::cli {

int list_command(int argc, char** argv) {
  Args a(argc, argv, 2);
  std::vector<std::string> args;
  while (!a.done()) args.push_back(a.next());
  if (args.empty()) throw UsageError("list what? crash-points, faults or invariants");
  if (args.size() > 1) throw UsageError("list takes one argument");
  const std::string& what = args.front();
  if (what == "crash-points") {
    for (const auto& c : sim::crash_point_catalogue()) std::printf("%-24s %s\n", c.name, c.help);
  } else if (what == "faults") {
    for (const auto& f : sim::fault_key_specs())
      std::printf("%-10s %-26s %-9s %s\n", f.service, f.key, f.type, f.help);
  } else if (what == "invariants") {
    for (const auto& i : sim::invariant_catalogue()) std::printf("%-30s %s\n", i.name, i.help);
  } else {
    throw UsageError("unknown list '" + what + "' (crash-points, faults or invariants)");
  }
  return 0;
}

}  // namespace clsim::cli
