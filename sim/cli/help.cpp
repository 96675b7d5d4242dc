#include <cstdio>

#include "sim/cli/commands.hpp"

namespace clsim::cli {

void print_help() {
  std::fputs(R"(clsim - deterministic simulator for the campaign lifecycle engine

usage:
  clsim run SCRIPT.lua... [--seed N] [--report FILE.json] [--html FILE.html]
                          [--trace FILE.jsonl] [--quiet] [--set KEY=VALUE]...
                          [--max-events N] [--lib DIR] [--suite] [--mutate NAME]
      Runs each scenario script. Several scripts make a suite report
      {"clsim_suite": 1, "result", "runs": [...]} (--suite: also for one). The seed is --seed, else the
      script's scenario{seed}, else 1. --set fills the script's global `args`.
      --trace writes every processed event as one JSON object a line.
      --mutate NAME turns on a deliberate engine bug (skip_inbox_dedup,
      skip_duplicate_tweet_check, pay_without_idempotent_id) to prove the
      invariants catch it; recorded in the report's "mutations".
  clsim check-determinism SCRIPT.lua [--seed N] [--runs K]
      Runs the script K times (default 3), each in its own process, and compares
      trace hashes; on a mismatch prints the first differing trace line of each.
  clsim list crash-points | faults | invariants
  clsim --help | --version

exit codes:
  0 everything held   1 a check or invariant failed (the report names it and
  gives the repro command)   2 bad input (usage, Lua error: FILE:LINE: message)
  3 internal error of the harness
)",
             stdout);
}

}  // namespace clsim::cli
