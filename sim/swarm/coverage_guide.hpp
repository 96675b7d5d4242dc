// clsim fuzz --guided: the bias flags of each seed of a batch, chosen to favour
// coverage cells no seed has reached yet. The choice is a function of the fuzz
// seed, the batch number and the coverage summed over completed batches only,
// so it does not depend on how many jobs ran them or where a run was resumed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/swarm/random_plan.hpp"
#include "sim/swarm/required_coverage.hpp"

namespace clsim::sim {

// The knobs that make `cell` likelier: the crash point it names armed, a fault
// setting for the fault kind it names, a late heal for moments after a close;
// nullopt when nothing is known to help (the plain random workload then).
std::optional<RandomBias> knobs_for(const RequiredCell& cell);

// What a batch aims at: the required cells not yet reached, in file order; once
// all are, the cells reached least so far (at most 2 times) and crash points
// never fired, rarest first.
std::vector<RequiredCell> guide_targets(const nlohmann::json& coverage, const std::vector<RequiredCell>& required);

// One bias a seed of batch `batch` (size `size`). Every fourth seed runs the
// plain random workload, so what no hint knows about is still explored; the
// others each aim at two targets, visited round the list from a seeded start.
std::vector<RandomBias> guided_batch(std::uint64_t fuzz_seed, std::uint64_t batch, std::size_t size,
                                     const nlohmann::json& coverage, const std::vector<RequiredCell>& required);

}  // namespace clsim::sim
