// The usage text, in one place: clsim --help prints every entry, clsim COMMAND
// --help (or -h) the entries of that command.
#include <cstdio>
#include <string>
#include <string_view>

#include "sim/cli/commands.hpp"

namespace clsim::cli {

namespace {

// One form of a command: its synopsis (continuation lines indented to line up
// under the first) and what it does. An entry with no command is only in the
// whole usage.
struct UsageEntry {
  std::string_view command;
  std::string_view synopsis;
  std::string_view text;
};

constexpr UsageEntry kUsage[] = {
    {"run",
     R"(clsim run SCRIPT.lua... [--seed N] [--report FILE.json] [--html FILE.html]
                        [--trace FILE.jsonl] [--quiet] [--set KEY=VALUE]...
                        [--max-events N] [--lib DIR] [--suite] [--mutate NAME]
                        [--kept-for "SECTION KEY"]...)",
     R"(Runs each scenario script. Several scripts make a suite report
{"clsim_suite": 1, "result", "runs": [...]} (--suite: also for one). The seed is --seed, else the
script's scenario{seed}, else 1. --set fills the script's global `args`.
--trace writes every processed event as one JSON object a line.
--mutate NAME turns on a deliberate engine bug (skip_inbox_dedup,
skip_duplicate_tweet_check, pay_without_idempotent_id) to prove the
invariants catch it; recorded in the report's "mutations".
--kept-for "SECTION KEY" (also for run --random): a coverage cell the run
must reach, as a regression names what it is kept for (e.g. "sometimes
claim_payment_owned_elsewhere"); exit 1 when it does not.)"},
    {"run",
     R"(clsim run --random --seed N [--report F] [--html F] [--trace F] [--capture F] [--quiet]
                   [--max-events N] [--mutate NAME] [--focused] [--fault S.K=V]...
                   [--crash-at P]... [--late-heal] [--kept-for "SECTION KEY"]...)",
     R"(The swarm's random workload for one seed: a random subset of faults, 1-3
engines, random campaigns, claims, crashes; then heal and run until quiet.
The report's "random_plan" shows what was picked.
Bias flags (also for clsim shrink --random):
--focused (no random faults, at most 3 social campaigns, no rule
campaigns), --fault SERVICE.KEY=VALUE (a fault setting on top, e.g.
twitter.timeout_after_create_rate=0.5), --crash-at POINT (armed twice,
restart after 5 s), --late-heal (heal after the last action).)"},
    {"swarm",
     R"(clsim swarm (--scenario SCRIPT.lua | --random) (--seeds A..B | --count N)
            [--shard I/N] [--jobs J] [--out DIR] [--timeout-s T] [--mutate NAME]
            [--require FILE])",
     R"(Runs every seed in its own process, J at a time. --shard I/N takes the seeds
s with (s - A) mod N == I. --out DIR gets runs.jsonl (a report a line, in
seed order) and summary.json (seeds, failures with repro, merged coverage);
without --out the summary goes to stdout. A seed running past T wall
seconds (default 300) fails. --require FILE lists coverage cells
("<section> <key>" a line) the merged coverage must reach. Exit 1 when any
seed failed or a required cell was never reached.)"},
    {"swarm", "clsim swarm --merge DIR... [--out DIR] [--require FILE]",
     "Merges shard outputs (summary.json and runs.jsonl of each DIR)."},
    {"fuzz",
     R"(clsim fuzz --budget-s S --state DIR [--jobs J] [--seed N] [--guided]
           [--max-seeds N] [--timeout-s T] [--mutate NAME] [--require FILE]
           [--shrink-runs N])",
     R"(Continuous fuzzing: random-workload seeds never run before (drawn from fuzz
seed N, default 1), in batches of 16, J child processes at a time, until S
wall seconds (or N seeds with --max-seeds) are spent; a batch cut off by the
budget keeps its unrun seeds for next time. DIR/fuzz.json remembers the seeds
run, their results and coverage, written whole after each batch, so the same
command again continues. Each failing seed is shrunk (as clsim shrink, at
most --shrink-runs candidate runs, default 200) into DIR/failures/seed_N/: the
scenario (first line "-- kept for: CELL"), seed.txt, repro.txt, report.json.
--guided picks each batch's bias flags (--fault, --crash-at, --late-heal)
to aim at coverage cells not reached yet (--require FILE, default
tests/swarm/required_coverage.txt), from completed batches only: J does not
change them; each seed's repro line carries its flags. Prints seeds run,
failures, cells reached and seeds/s. Exit 1 when a seed failed this run.)"},
    {"check-determinism", "clsim check-determinism SCRIPT.lua [--seed N] [--runs K]",
     R"(Runs the script K times (default 3), each in its own process, and compares
trace hashes; on a mismatch prints the first differing trace line of each.)"},
    {"replay",
     R"(clsim replay LOG.jsonl [--seed N] [--check CHECK.lua] [--report FILE.json] [--html FILE.html]
                       [--trace FILE.jsonl] [--lenient] [--match-window SECONDS] [--quiet]
                       [--mutate NAME])",
     R"(Feeds an event log (capture format, docs/CONTRACTS.md) to a fresh world at its
logged times (audience and random faults off); lists where the engine's own
outcomes diverge from the recorded ones; --check runs a Lua file with the
query API afterwards (a failed check fails the replay); --trace writes the
replayed world's trace lines, as run --trace does.)"},
    {"minimize",
     R"(clsim minimize LOG.jsonl --out MIN.jsonl [--check CHECK.lua] [--lenient] [--seed N]
                         [--match-window SECONDS] [--mutate NAME])",
     R"(Delta debugging over the log's lines while the replay fails the same way;
a log that does not fail exits 2 and writes nothing.)"},
    {"shrink",
     R"(clsim shrink --seed N (--random | --scenario SCRIPT.lua) --out MIN.lua
             [--max-runs N] [--lib DIR] [--quiet] [--mutate NAME]
             [--focused] [--fault S.K=V]... [--crash-at P]... [--late-heal])",
     R"(From a failing seed to a small Lua scenario that fails the same way
(same invariant or check). The seed runs once with every fault that fires
recorded as a fault_schedule{} (virtual time + the call it hit); delta
debugging then drops scheduled faults and, for --random, fault settings,
armed crash points and workload actions. Every candidate is run as the
very text written; at most N runs (default 500), then the smallest so far.
A passing seed exits 2 and writes nothing; a failure that does not come
back under its own schedule exits 3. The bias flags are those of
clsim run --random (clsim run --help; the seed's repro command gives them).)"},
    {"run", "clsim run SCRIPT.lua --capture FILE.jsonl", "Writes the run as an event log that clsim replay accepts."},
    {"list", "clsim list crash-points | faults | invariants", ""},
    {"serve",
     R"(clsim serve --db FILE --listen HOST:PORT --redis HOST:PORT|unix:PATH
            --twitter-url URL --ledger-url URL [--name NAME] [--poll-interval-s S]
            [--capture FILE] [--port-file FILE] [--timing KEY=MICROSECONDS]...)",
     R"(Runs the engine as a service on real I/O until SIGINT or SIGTERM (exit 0):
the SQLite file --db, Redis Streams at --redis, the X API v2 at --twitter-url
and the ledger gateway at --ledger-url (docs/LIVE.md; clsim mockd serves
both), and an HTTP + WebSocket API with a page at / (docs/CONTRACTS.md).
Port 0 picks a free port; --port-file writes it. --capture appends the
capture format as it runs (clsim replay takes it). --poll-interval-s sets
the engagement poll (default 300); --timing sets one engine duration in
microseconds (the keys of world.engine: resume_after_us, timer_lease_us,
payment_lease_us, claim_stale_us, ...). Environment: CLSIM_TOKEN (bearer token
for writes; unset: none), CLSIM_X_USER_TOKENS (a JSON file {account:
token}; unset: mockd's user:ACCOUNT), CLSIM_X_APP_TOKEN, CLSIM_LEDGER_TOKEN.)"},
    {"mockd",
     R"(clsim mockd --listen HOST:PORT [--seed N] [--faults FILE.lua] [--audience N]
            [--engage-probability P] [--port-file FILE])",
     R"(Serves the mock X API v2 and the mock ledger gateway on their wire protocols
(docs/LIVE.md) in real time, until SIGINT or SIGTERM (exit 0). Port 0 picks
a free port; --port-file writes the bound port once listening. --seed seeds
the fault and audience streams (default: from the OS; printed on start).
--audience N users u-1..u-N (default 100; 0: none) engage with a campaign's
first tweet with probability P (default 0.3) within seconds. --faults runs
a Lua file that returns {twitter = {...}, hedera = {...}} with the keys of
world.faults (clsim list faults). GET /mock/state shows tweets, balances,
minted and fault counts.)"},
    {"differential", "clsim differential WORKLOAD.jsonl [--keep DIR] [--report FILE.json] [--timeout-s T]",
     R"(Feeds one workload (capture format: a world line, commands and
twitter:engagement:v1:observed lines, times relative to its first line) to
a live service (redis-server, clsim mockd with the audience off, clsim serve
with the workload's timing, all child processes on loopback) and to the
simulator (a replay), waits until every campaign has finished (at most T
seconds after the last line, default 300), and compares the outcomes per
campaign: state, tweets, rewards, balances; rule campaigns' payments,
matches and dead letters; the lines each world refused. Prints a table and
"differential: N campaigns, D differences"; exit 1 when D > 0, 3 when the
live stack cannot start. --keep DIR keeps logs, database and live capture.)"},
    {"", "clsim COMMAND --help", "The usage of one command."},
    {"", "clsim --help | --version", ""},
};

constexpr std::string_view kExitCodes = R"(
exit codes:
  0 everything held   1 a check or invariant failed (the report names it and
  gives the repro command)   2 bad input (usage, Lua error: FILE:LINE: message)
  3 internal error of the harness
)";

// Each line of `text` after `first` (its first line) or `rest` (the others).
void print_lines(std::string_view text, std::string_view first, std::string_view rest) {
  for (bool at_first = true; !text.empty(); at_first = false) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    std::printf("%.*s%.*s\n", int((at_first ? first : rest).size()), (at_first ? first : rest).data(),
                int(line.size()), line.data());
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
}

void print_entry(const UsageEntry& e, std::string_view lead) {
  print_lines(e.synopsis, lead, std::string(lead.size(), ' '));
  print_lines(e.text, "      ", "      ");
}

}  // namespace

void print_help() {
  std::fputs("clsim - deterministic simulator for the campaign lifecycle engine\n\nusage:\n", stdout);
  for (const auto& e : kUsage) print_entry(e, "  ");
  std::fputs(kExitCodes.data(), stdout);
}

void print_command_help(const std::string& command) {
  bool any = false;
  for (const auto& e : kUsage) {
    if (e.command != command) continue;
    print_entry(e, any ? "   or: " : "usage: ");
    any = true;
  }
  if (!any) return print_help();
  std::fputs(kExitCodes.data(), stdout);
}

}  // namespace clsim::cli
