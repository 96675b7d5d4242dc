// The named crash points of the engine and the invariant catalogue, as
// `clsim list` prints them and scenarios name them.
#pragma once
#include <vector>

namespace clsim::sim {

struct CatalogueEntry {
  const char* name;
  const char* help;
};

const std::vector<CatalogueEntry>& crash_point_catalogue();
const std::vector<CatalogueEntry>& invariant_catalogue();
bool is_crash_point(const char* name);

}  // namespace clsim::sim
