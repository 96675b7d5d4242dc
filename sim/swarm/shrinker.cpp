#include "sim/swarm/shrinker.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/runtime/ddmin.hpp"
#include "sim/swarm/plan_lua.hpp"
#include "sim/swarm/random_run.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;

std::vector<mocks::ScheduledFault> relative(std::vector<mocks::ScheduledFault> s, TimePoint start) {
  for (auto& e : s) e.at = TimePoint{} + (e.at - start);
  return s;
}

// The candidate space: for --random the plan's fault keys, crash points, actions
// and scheduled faults in one index range; for a script the scheduled faults.
class Space {
 public:
  Space(const ShrinkOptions& o, std::vector<mocks::ScheduledFault> schedule) : o_(o), schedule_(std::move(schedule)) {}

  void set_plan(json plan, Duration max_time) {
    plan_ = std::move(plan);
    max_time_ = max_time;
    keys_ = plan_fault_keys(plan_);
    std::map<std::int64_t, std::size_t> create_of;
    const auto& actions = plan_.at("actions");
    for (std::size_t i = 0; i < actions.size(); ++i)
      if (actions[i].at("op") == "create") create_of[actions[i].at("campaign").get<std::int64_t>()] = i;
    for (std::size_t i = 0; i < actions.size(); ++i)
      if (actions[i].contains("campaign") && actions[i].at("op") != "create")
        needs_[i] = create_of.at(actions[i].at("campaign").get<std::int64_t>());
  }
  void set_script(std::string text) { script_ = std::move(text); }

  std::size_t size() const { return keys_.size() + crash_points() + actions() + schedule_.size(); }

  // A campaign command keeps its campaign's create.
  Indices closure(const Indices& keep) const {
    std::set<std::size_t> all(keep.begin(), keep.end());
    const std::size_t first_action = keys_.size() + crash_points();
    for (std::size_t i : keep)
      if (i >= first_action && i < first_action + actions()) {
        auto it = needs_.find(i - first_action);
        if (it != needs_.end()) all.insert(first_action + it->second);
      }
    return {all.begin(), all.end()};
  }

  // Coarse groups for a first pass: each fault setting, each crash point, each
  // campaign's actions together (other actions alone), and the scheduled faults
  // of one kind together, so thousands of disk errors go in one run, not hundreds.
  std::vector<Indices> groups() const {
    std::vector<Indices> out;
    const std::size_t a0 = keys_.size() + crash_points(), s0 = a0 + actions();
    for (std::size_t i = 0; i < a0; ++i) out.push_back({i});
    std::map<std::size_t, std::size_t> group_of_create;
    for (std::size_t i = a0; i < s0; ++i) {
      auto need = needs_.find(i - a0);
      const std::size_t create = need == needs_.end() ? i - a0 : need->second;
      const bool is_campaign = need != needs_.end() || plan_.at("actions")[i - a0].at("op") == "create";
      if (!is_campaign) {
        out.push_back({i});
        continue;
      }
      auto [g, fresh] = group_of_create.try_emplace(create, out.size());
      if (fresh) out.emplace_back();
      out[g->second].push_back(i);
    }
    std::map<std::string, std::size_t> group_of_kind;
    for (std::size_t i = 0; i < schedule_.size(); ++i) {
      auto [g, fresh] = group_of_kind.try_emplace(schedule_[i].fault, out.size());
      if (fresh) out.emplace_back();
      out[g->second].push_back(s0 + i);
    }
    return out;
  }

  // Everything but the scheduled faults and actions after `t` (since the start):
  // what comes after an invariant failed cannot have made it fail.
  Indices until(Duration t) const {
    Indices out;
    const std::size_t a0 = keys_.size() + crash_points(), s0 = a0 + actions();
    for (std::size_t i = 0; i < size(); ++i) {
      if (i >= a0 && i < s0 && plan_.at("actions")[i - a0].at("at_us").get<std::int64_t>() > t.count()) continue;
      if (i >= s0 && schedule_[i - s0].at - TimePoint{} > t) continue;
      out.push_back(i);
    }
    return closure(out);
  }

  ShrinkCounts counts(const Indices& keep) const {
    const PlanPart p = part(keep);
    return {p.fault_keys.size(), p.crash_points.size(), p.actions.size(), p.scheduled.size()};
  }

  std::string render(const Indices& keep, const std::string& header) const {
    const PlanPart p = part(keep);
    if (!plan_.is_null()) return plan_to_lua({&plan_, &schedule_, max_time_, header}, p);
    std::string out = header + "\n-- Every fault that fires, by time since the start and the call it hits.\n";
    out += "fault_schedule {\n";
    for (std::size_t i : p.scheduled) {
      const auto& e = schedule_[i];
      out += "  { at = " + lua_duration((e.at - TimePoint{}).count()) + ", fault = " + lua_literal(e.fault) +
             ", on = " + lua_literal(e.on) + (e.nth != 1 ? ", nth = " + std::to_string(e.nth) : "") + " },\n";
    }
    return out + "}\n\n" + script_;
  }

  // "" when the run passes; else how it failed.
  std::string signature(const std::string& text) const {
    lua::ScriptOptions so;
    so.script_path = o_.scenario.empty() ? o_.out_name : o_.scenario;
    so.script_text = text;
    so.lib_dir = o_.lib_dir;
    so.seed = o_.seed;  // a script's own scenario{seed} may differ from the seed that failed
    so.mutations = o_.mutations;
    auto r = lua::run_script(so);
    if (r.exit_code != 1 || !r.sim) return r.exit_code == 2 ? "bad input: " + r.error : "";
    return failure_signature(*r.sim);
  }

 private:
  std::size_t crash_points() const { return plan_.is_null() ? 0 : plan_.at("crash_points").size(); }
  std::size_t actions() const { return plan_.is_null() ? 0 : plan_.at("actions").size(); }

  PlanPart part(const Indices& keep) const {
    PlanPart p;
    const std::size_t c0 = keys_.size(), a0 = c0 + crash_points(), s0 = a0 + actions();
    for (std::size_t i : keep) {
      if (i < c0) p.fault_keys.push_back(keys_[i]);
      else if (i < a0) p.crash_points.push_back(i - c0);
      else if (i < s0) p.actions.push_back(i - a0);
      else p.scheduled.push_back(i - s0);
    }
    return p;
  }

  const ShrinkOptions& o_;
  std::vector<mocks::ScheduledFault> schedule_;
  json plan_;
  Duration max_time_{};
  std::vector<std::string> keys_;
  std::map<std::size_t, std::size_t> needs_;  // action -> the create it needs
  std::string script_;
};

std::string describe(const ShrinkCounts& c, bool random) {
  std::string s = std::to_string(c.scheduled) + " scheduled faults";
  if (random)
    s += ", " + std::to_string(c.fault_keys) + " fault settings, " + std::to_string(c.crash_points) +
         " armed crash points, " + std::to_string(c.actions) + " actions";
  return s;
}

}  // namespace

ShrinkResult shrink(const ShrinkOptions& o) {
  ShrinkResult result;
  const bool random = o.scenario.empty();
  // 1. The original run, its fault decisions recorded.
  std::unique_ptr<Simulation> sim;
  json plan;
  Duration max_time{};
  std::string original_repro, script_text;
  if (random) {
    RandomRunOptions ro;
    ro.seed = o.seed, ro.bias = o.bias, ro.mutations = o.mutations, ro.record_faults = true;
    auto r = run_random(ro);
    if (!r.sim) return result.error = r.error, result;
    if (r.exit_code == 0) return result.exit_code = 2, result.error = "random seed " + std::to_string(o.seed) + " passes: nothing to shrink", result;
    plan = r.plan, max_time = ro.max_time, sim = std::move(r.sim);
    original_repro = random_repro(o.seed, o.mutations, o.bias);
  } else {
    std::ifstream in(o.scenario, std::ios::binary);
    if (!in) return result.exit_code = 2, result.error = o.scenario + ": cannot read the script file", result;
    std::ostringstream text;
    text << in.rdbuf();
    script_text = text.str();
    lua::ScriptOptions so;
    so.script_path = o.scenario, so.seed = o.seed, so.lib_dir = o.lib_dir, so.mutations = o.mutations;
    so.record_faults = true;
    auto r = lua::run_script(so);
    if (r.exit_code == 2 || !r.sim) return result.exit_code = r.exit_code == 2 ? 2 : 3, result.error = r.error, result;
    if (r.exit_code == 0)
      return result.exit_code = 2, result.error = o.scenario + " with seed " + std::to_string(o.seed) + " passes: nothing to shrink", result;
    sim = std::move(r.sim);
    original_repro = "build/clsim run " + o.scenario + " --seed " + std::to_string(o.seed) + o.mutations.flags();
    // The schedule goes in front of the script: the seed must be the one that failed.
    script_text = "-- (the original script follows, run with seed " + std::to_string(o.seed) + ")\n" + script_text;
  }
  result.signature = failure_signature(*sim);
  std::optional<Duration> failed_at;  // an invariant's failure is dated; a final check is not
  if (!sim->world().violations().empty()) failed_at = Duration(sim->world().violations().front().virtual_time_us);
  Space space(o, relative(sim->fault_counter().recorded(), sim->world().config().start));
  sim.reset();
  if (random) space.set_plan(plan, max_time);
  else space.set_script(script_text);

  // 2. Every candidate is the Lua text itself.
  const auto text_of = [&](const Indices& keep, const std::string& header) { return space.render(keep, header); };
  Indices all(space.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  result.before = space.counts(all);
  const auto fails_same = [&](const Indices& keep) {
    ++result.runs;
    return space.signature(text_of(keep, "")) == result.signature;
  };
  if (!fails_same(all)) {
    result.error = "the failure (" + result.signature + ") did not come back when its " +
                   std::to_string(result.before.scheduled) + " recorded faults were replayed as a schedule";
    return result;
  }
  // What happened after the failure goes in one run, when the failure stays.
  Indices start = all;
  if (failed_at) {
    const Indices cut = space.until(*failed_at);
    if (cut.size() < all.size() && fails_same(cut)) start = cut;
  }
  DdminHooks hooks;
  hooks.still_fails = fails_same;
  hooks.closure = [&](const Indices& s) { return space.closure(s); };
  hooks.give_up = [&] { return result.runs >= o.max_runs; };
  hooks.progress = [&](std::size_t size, std::size_t chunks) {
    if (o.progress)
      o.progress("shrink: " + std::to_string(size) + " elements left, " + std::to_string(chunks) + " chunks, " +
                 std::to_string(result.runs) + " runs");
  };
  // Groups first (hierarchical delta debugging), then single elements.
  auto groups = space.groups();
  const auto expand = [&](const Indices& chosen) {
    Indices u;
    for (std::size_t g : chosen) u.insert(u.end(), groups[g].begin(), groups[g].end());
    std::sort(u.begin(), u.end());
    return space.closure(u);
  };
  DdminHooks coarse = hooks;
  coarse.still_fails = [&](const Indices& chosen) { return fails_same(expand(chosen)); };
  coarse.closure = nullptr;
  for (auto& g : groups) {  // a group keeps only what the cut kept
    Indices kept;
    std::set_intersection(g.begin(), g.end(), start.begin(), start.end(), std::back_inserter(kept));
    g = std::move(kept);
  }
  Indices every_group;
  for (std::size_t g = 0; g < groups.size(); ++g)
    if (!groups[g].empty()) every_group.push_back(g);
  const Indices keep = ddmin(expand(ddmin(every_group, coarse)), hooks);
  result.gave_up = result.runs >= o.max_runs;
  result.after = space.counts(keep);

  // 3. The file, with a header saying where it came from; checked once more as written.
  std::string header = "-- " + o.out_name + ": written by clsim shrink. It fails with " + result.signature + ".\n";
  header += "-- From: " + original_repro + "\n";
  header += "-- Reduced from " + describe(result.before, random) + "\n--           to " + describe(result.after, random) +
            (result.gave_up ? " (the run budget ended the search)" : "") + ".\n";
  header += "-- Run:  build/clsim run " + o.out_name + (random ? "" : " --seed " + std::to_string(o.seed)) +
            (o.run_lib.empty() ? "" : " --lib " + o.run_lib) + o.mutations.flags() + "\n";
  result.lua = text_of(keep, header);
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
