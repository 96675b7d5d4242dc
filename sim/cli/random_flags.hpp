// Flags shared by the commands that run the random workload (run --random,
// swarm, shrink): --mutate and the bias flags that steer the plan.
#pragma once
#include <string>

#include "engine/engine.hpp"
#include "sim/cli/args.hpp"
#include "sim/swarm/random_plan.hpp"

namespace clsim::cli {

// Usage error for an unknown mutation.
void read_mutation(const std::string& m, engine::Mutations& into);

// Consumes one of --focused, --fault S.K=V, --crash-at P, --late-heal (with its
// value from `a`); false when `arg` is none of them.
bool read_bias_flag(Args& a, const std::string& arg, sim::RandomBias& bias);

}  // namespace clsim::cli
