// A failing fuzz seed made ready to become a regression test: shrunk with the
// code of clsim shrink, then the shrunk scenario run once more to pick the cell
// its "-- kept for:" first line names (tests/swarm/shrunk/ requires one): the
// rarest moment the scenario reaches, preferring a "sometimes" mark, then a
// crash point that fired, a matrix cell with a fault or crash, a fault kind.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "sim/swarm/random_plan.hpp"

namespace clsim::sim {

struct FuzzFailureInput {
  std::uint64_t seed = 0;
  RandomBias bias;
  engine::Mutations mutations;
  std::string invariant;    // what the failing report names
  int max_runs = 200;       // the shrink's candidate runs
  nlohmann::json rarity;    // coverage summed so far: fewer hits, likelier the kept-for cell
};

struct FuzzFailureOutput {
  bool shrunk = false;
  std::string why_not;    // when not shrunk: clsim shrink's reason
  std::string file_name;  // "random_N_<invariant>.lua", the name it takes in tests/swarm/shrunk/
  std::string lua;        // the scenario, starting with "-- kept for: SECTION KEY"
  std::string kept_for;   // "SECTION KEY", "" when the scenario reaches nothing to keep it for
  std::string summary;    // the shrink's reduction, one line
};

FuzzFailureOutput shrink_fuzz_failure(const FuzzFailureInput& input);

// The kept-for cell among a run's coverage (with its "faults" section), by the
// preference above; "" when there is none.
std::string pick_kept_for(const nlohmann::json& coverage, const nlohmann::json& rarity);

}  // namespace clsim::sim
