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
  clsim run --random --seed N [--report F] [--html F] [--quiet] [--mutate NAME]
      The swarm's random workload for one seed: a random subset of faults, 1-3
      engines, random campaigns, claims, crashes; then heal and run until quiet.
      The report's "random_plan" shows what was picked.
      Bias flags (also for clsim shrink --random):
      --focused (no random faults, at most 3 social campaigns, no rule
      campaigns), --fault SERVICE.KEY=VALUE (a fault setting on top, e.g.
      twitter.timeout_after_create_rate=0.5), --crash-at POINT (armed twice,
      restart after 5 s), --late-heal (heal after the last action).
  clsim swarm (--scenario SCRIPT.lua | --random) (--seeds A..B | --count N)
              [--shard I/N] [--jobs J] [--out DIR] [--timeout-s T] [--mutate NAME]
              [--require FILE]
      Runs every seed in its own process, J at a time. --shard I/N takes the seeds
      s with (s - A) mod N == I. --out DIR gets runs.jsonl (a report a line, in
      seed order) and summary.json (seeds, failures with repro, merged coverage);
      without --out the summary goes to stdout. A seed running past T wall
      seconds (default 300) fails. --require FILE lists coverage cells
      ("<section> <key>" a line) the merged coverage must reach. Exit 1 when any
      seed failed or a required cell was never reached.
  clsim swarm --merge DIR... [--out DIR] [--require FILE]
      Merges shard outputs (summary.json and runs.jsonl of each DIR).
  clsim check-determinism SCRIPT.lua [--seed N] [--runs K]
      Runs the script K times (default 3), each in its own process, and compares
      trace hashes; on a mismatch prints the first differing trace line of each.
  clsim replay LOG.jsonl [--seed N] [--check CHECK.lua] [--report FILE.json] [--html FILE.html]
                        [--lenient] [--match-window SECONDS] [--quiet] [--mutate NAME]
      Feeds an event log (capture format, docs/CONTRACTS.md) to a fresh world at its
      logged times (audience and random faults off); lists where the engine's own
      outcomes diverge from the recorded ones; --check runs a Lua file with the
      query API afterwards (a failed check fails the replay).
  clsim minimize LOG.jsonl --out MIN.jsonl [--check CHECK.lua] [--lenient] [--seed N]
      Delta debugging over the log's lines while the replay fails the same way;
      a log that does not fail exits 2 and writes nothing.
  clsim shrink --seed N (--random | --scenario SCRIPT.lua) --out MIN.lua
               [--max-runs N] [--lib DIR] [--quiet] [--mutate NAME]
               [--focused] [--fault S.K=V]... [--crash-at P]... [--late-heal]
      From a failing seed to a small Lua scenario that fails the same way
      (same invariant or check). The seed runs once with every fault that fires
      recorded as a fault_schedule{} (virtual time + the call it hit); delta
      debugging then drops scheduled faults and, for --random, fault settings,
      armed crash points and workload actions. Every candidate is run as the
      very text written; at most N runs (default 500), then the smallest so far.
      A passing seed exits 2 and writes nothing; a failure that does not come
      back under its own schedule exits 3. The bias flags are those of
      clsim run --random (the seed's repro command gives them).
  clsim run SCRIPT.lua --capture FILE.jsonl
      Writes the run as an event log that clsim replay accepts.
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
