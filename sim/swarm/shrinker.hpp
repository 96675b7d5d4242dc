// clsim shrink: from a failing seed to a Lua scenario a person can read. The
// seed runs once with its fault decisions recorded as a schedule (virtual time +
// the call each fault hit); delta debugging then removes scheduled faults,
// fault settings, armed crash points and workload (for --random) while the
// run still fails the same way, every candidate run as the very Lua text that
// gets written. What is left reproduces with no random fault decisions at all.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "engine/engine.hpp"
#include "sim/swarm/random_plan.hpp"

namespace clsim::sim {

struct ShrinkOptions {
  std::uint64_t seed = 1;
  std::string scenario;  // a script; empty: the random workload of `seed`
  std::string lib_dir;   // the script's lib/ (default beside it)
  RandomBias bias;       // --random only
  engine::Mutations mutations;
  int max_runs = 500;    // candidate runs before settling for the smallest so far
  std::string out_name = "MIN.lua";  // how the written file is named in its own comments
  std::string run_lib;  // a --lib DIR the written file needs (a script's lib/ not beside it)
  std::function<void(const std::string&)> progress;
};

struct ShrinkCounts {
  std::size_t fault_keys = 0, crash_points = 0, actions = 0, scheduled = 0;
};

struct ShrinkResult {
  // 0 shrunk; 2 the seed does not fail (nothing to shrink) or the script is bad;
  // 3 the failure did not come back under its own fault schedule.
  int exit_code = 3;
  std::string error;
  std::string signature;  // how it fails, e.g. "invariant no_duplicate_tweet"
  ShrinkCounts before, after;
  int runs = 0;
  bool gave_up = false;   // the run budget ended the search
  std::string lua;        // the scenario to write
};

ShrinkResult shrink(const ShrinkOptions& options);

}  // namespace clsim::sim
