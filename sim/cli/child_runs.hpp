// Seeds run in child processes (posix_spawn of this binary running `clsim run
// ... --seed S --quiet --report F`), J at a time, each with a wall-time limit;
// shared by clsim swarm and clsim fuzz. Reports come back keyed by seed, so what
// a caller writes does not depend on which child finished first.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "sim/swarm/random_plan.hpp"

namespace clsim::cli {

// What every child runs: the random workload or a script, with these mutations.
struct ChildRunSpec {
  bool random = false;
  std::string scenario;
  engine::Mutations mutations;
  double timeout_s = 300;  // per seed; past it the child is killed and the seed fails as "timeout"
  std::uint64_t jobs = 1;
};

// One seed to run; `bias` (random workload only) becomes its bias flags.
struct SeedRun {
  std::uint64_t seed = 0;
  sim::RandomBias bias;
};

struct ChildRunHooks {
  // Asked between reaps: true kills the running children and starts no more
  // (clsim fuzz's budget); the killed seeds are left out of the result.
  std::function<bool()> stop;
  // After each pass over the children: seeds finished, failed, running.
  std::function<void(std::size_t done, std::size_t failed, std::size_t running)> progress;
};

// The reports of the seeds that finished (a stand-in naming what went wrong
// when a child left none), by seed.
std::map<std::uint64_t, nlohmann::ordered_json> run_children(const ChildRunSpec& spec,
                                                             const std::vector<SeedRun>& seeds,
                                                             const ChildRunHooks& hooks = {});

// "build/clsim run ..." for one seed, with its bias flags and the mutations.
std::string child_repro(const ChildRunSpec& spec, const SeedRun& run);

}  // namespace clsim::cli
