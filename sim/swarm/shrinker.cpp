#include "sim/swarm/shrinker.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/runtime/ddmin.hpp"
#include "sim/swarm/random_run.hpp"
#include "sim/swarm/shrink_space.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;
using Probe = std::function<bool(const Indices&)>;

// The seed's own run, its fault decisions recorded: the failure to keep.
struct OriginalRun {
  std::unique_ptr<Simulation> sim;
  json plan;  // --random: the plan it ran
  Duration max_time{};
  std::string repro;        // the command that failed
  std::string script_text;  // a script: what follows the fault schedule in every candidate
};

std::vector<mocks::ScheduledFault> relative(std::vector<mocks::ScheduledFault> s, TimePoint start) {
  for (auto& e : s) e.at = TimePoint{} + (e.at - start);
  return s;
}

std::string describe(const ShrinkCounts& c, bool random) {
  std::string s = std::to_string(c.scheduled) + " scheduled faults";
  if (random)
    s += ", " + std::to_string(c.fault_keys) + " fault settings, " + std::to_string(c.crash_points) +
         " armed crash points, " + std::to_string(c.actions) + " actions";
  return s;
}

// Nullopt, with the exit code and error in `result`, when the seed gives nothing to shrink.
std::optional<OriginalRun> run_original_random(const ShrinkOptions& o, ShrinkResult& result) {
  RandomRunOptions ro;
  ro.seed = o.seed, ro.bias = o.bias, ro.mutations = o.mutations, ro.record_faults = true;
  auto r = run_random(ro);
  if (!r.sim) {
    result.error = r.error;
    return std::nullopt;
  }
  if (r.exit_code == 0) {
    result.exit_code = 2;
    result.error = "random seed " + std::to_string(o.seed) + " passes: nothing to shrink";
    return std::nullopt;
  }
  return OriginalRun{std::move(r.sim), r.plan, ro.max_time, random_repro(o.seed, o.mutations, o.bias), ""};
}

std::optional<OriginalRun> run_original_script(const ShrinkOptions& o, ShrinkResult& result) {
  std::ifstream in(o.scenario, std::ios::binary);
  if (!in) {
    result.exit_code = 2;
    result.error = o.scenario + ": cannot read the script file";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  lua::ScriptOptions so;
  so.script_path = o.scenario, so.seed = o.seed, so.lib_dir = o.lib_dir, so.mutations = o.mutations;
  so.record_faults = true;
  auto r = lua::run_script(so);
  if (r.exit_code == 2 || !r.sim) {
    result.exit_code = r.exit_code == 2 ? 2 : 3;
    result.error = r.error;
    return std::nullopt;
  }
  if (r.exit_code == 0) {
    result.exit_code = 2;
    result.error = o.scenario + " with seed " + std::to_string(o.seed) + " passes: nothing to shrink";
    return std::nullopt;
  }
  std::string repro = "build/clsim run " + o.scenario + " --seed " + std::to_string(o.seed) + o.mutations.flags();
  // The schedule goes in front of the script: the seed must be the one that failed.
  std::string script_text =
      "-- (the original script follows, run with seed " + std::to_string(o.seed) + ")\n" + text.str();
  return OriginalRun{std::move(r.sim), json(), Duration{}, std::move(repro), std::move(script_text)};
}

// What happened after a dated failure goes in one run, when the failure stays without it.
Indices cut_after_failure(const ShrinkSpace& space, const Indices& all, std::optional<Duration> failed_at,
                          const Probe& fails_same) {
  if (!failed_at) return all;
  Indices cut = space.until(*failed_at);
  if (cut.size() < all.size() && fails_same(cut)) return cut;
  return all;
}

// Delta debugging over single elements: the space's closure, the run budget, progress lines.
DdminHooks element_hooks(const ShrinkSpace& space, const ShrinkOptions& o, const ShrinkResult& result,
                         Probe fails_same) {
  DdminHooks hooks;
  hooks.still_fails = std::move(fails_same);
  hooks.closure = [&space](const Indices& s) { return space.closure(s); };
  hooks.give_up = [&o, &result] { return result.runs >= o.max_runs; };
  hooks.progress = [&o, &result](std::size_t size, std::size_t chunks) {
    if (o.progress)
      o.progress("shrink: " + std::to_string(size) + " elements left, " + std::to_string(chunks) + " chunks, " +
                 std::to_string(result.runs) + " runs");
  };
  return hooks;
}

// Hierarchical delta debugging: over the space's groups first (each cut down to
// `start`), then over the single elements the groups left.
Indices ddmin_groups_then_elements(const ShrinkSpace& space, const Indices& start, const DdminHooks& hooks) {
  auto groups = space.groups();
  for (auto& g : groups) {  // a group keeps only what the cut kept
    Indices kept;
    std::set_intersection(g.begin(), g.end(), start.begin(), start.end(), std::back_inserter(kept));
    g = std::move(kept);
  }
  const auto expand = [&](const Indices& chosen) {
    Indices u;
    for (std::size_t g : chosen) u.insert(u.end(), groups[g].begin(), groups[g].end());
    std::sort(u.begin(), u.end());
    return space.closure(u);
  };
  DdminHooks coarse = hooks;
  coarse.still_fails = [&](const Indices& chosen) { return hooks.still_fails(expand(chosen)); };
  coarse.closure = nullptr;
  Indices every_group;
  for (std::size_t g = 0; g < groups.size(); ++g)
    if (!groups[g].empty()) every_group.push_back(g);
  return ddmin(expand(ddmin(every_group, coarse)), hooks);
}

// The smallest candidate that fails as the seed did; nullopt (with the error in
// `result`) when the failure does not come back under its own schedule.
std::optional<Indices> reduce(const ShrinkSpace& space, const ShrinkOptions& o, std::optional<Duration> failed_at,
                              ShrinkResult& result) {
  Indices all(space.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  result.before = space.counts(all);
  // Every candidate is the Lua text itself.
  const Probe fails_same = [&](const Indices& keep) {
    ++result.runs;
    return space.signature(space.render(keep, "")) == result.signature;
  };
  if (!fails_same(all)) {
    result.error = "the failure (" + result.signature + ") did not come back when its " +
                   std::to_string(result.before.scheduled) + " recorded faults were replayed as a schedule";
    return std::nullopt;
  }
  const Indices start = cut_after_failure(space, all, failed_at, fails_same);
  Indices keep = ddmin_groups_then_elements(space, start, element_hooks(space, o, result, fails_same));
  result.gave_up = result.runs >= o.max_runs;
  result.after = space.counts(keep);
  return keep;
}

// The written file's header: where it came from, how far it shrank, how to run it.
std::string shrunk_header(const ShrinkOptions& o, const std::string& original_repro, const ShrinkResult& result) {
  const bool random = o.scenario.empty();
  std::string header = "-- " + o.out_name + ": written by clsim shrink. It fails with " + result.signature + ".\n";
  header += "-- From: " + original_repro + "\n";
  header += "-- Reduced from " + describe(result.before, random) + "\n--           to " + describe(result.after, random) +
            (result.gave_up ? " (the run budget ended the search)" : "") + ".\n";
  header += "-- Run:  build/clsim run " + o.out_name + (random ? "" : " --seed " + std::to_string(o.seed)) +
            (o.run_lib.empty() ? "" : " --lib " + o.run_lib) + o.mutations.flags() + "\n";
  return header;
}

}  // namespace

ShrinkResult shrink(const ShrinkOptions& o) {
  ShrinkResult result;
  const bool random = o.scenario.empty();
  // 1. The original run, its fault decisions recorded.
  std::optional<OriginalRun> original = random ? run_original_random(o, result) : run_original_script(o, result);
  if (!original) return result;
  Simulation& sim = *original->sim;
  result.signature = failure_signature(sim);
  std::optional<Duration> failed_at;  // an invariant's failure is dated; a final check is not
  if (!sim.world().violations().empty()) failed_at = Duration(sim.world().violations().front().virtual_time_us);
  ShrinkSpace space(o, relative(sim.fault_counter().recorded(), sim.world().config().start));
  original->sim.reset();
  if (random) space.set_plan(original->plan, original->max_time);
  else space.set_script(original->script_text);

  // 2. Delta debugging, every candidate run as the Lua text itself.
  const std::optional<Indices> keep = reduce(space, o, failed_at, result);
  if (!keep) return result;

  // 3. The file, with a header saying where it came from; checked once more as written.
  result.lua = space.render(*keep, shrunk_header(o, original->repro, result));
  ++result.runs;
  const std::string final_signature = space.signature(result.lua);
  if (final_signature != result.signature) {
    result.error = "the written scenario fails differently (" + final_signature + ") than the seed (" +
                   result.signature + ")";
    return result;
  }
  result.exit_code = 0;
  return result;
}

}  // namespace clsim::sim
