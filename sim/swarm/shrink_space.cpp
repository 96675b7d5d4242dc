#include "sim/swarm/shrink_space.hpp"

#include <set>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::sim {

using engine::Duration;
using engine::TimePoint;

void ShrinkSpace::set_plan(nlohmann::ordered_json plan, Duration max_time) {
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

Indices ShrinkSpace::closure(const Indices& keep) const {
  std::set<std::size_t> all(keep.begin(), keep.end());
  const std::size_t first_action = keys_.size() + crash_points();
  for (std::size_t i : keep)
    if (i >= first_action && i < first_action + actions()) {
      auto it = needs_.find(i - first_action);
      if (it != needs_.end()) all.insert(first_action + it->second);
    }
  return {all.begin(), all.end()};
}

std::vector<Indices> ShrinkSpace::groups() const {
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

Indices ShrinkSpace::until(Duration t) const {
  Indices out;
  const std::size_t a0 = keys_.size() + crash_points(), s0 = a0 + actions();
  for (std::size_t i = 0; i < size(); ++i) {
    if (i >= a0 && i < s0 && plan_.at("actions")[i - a0].at("at_us").get<std::int64_t>() > t.count()) continue;
    if (i >= s0 && schedule_[i - s0].at - TimePoint{} > t) continue;
    out.push_back(i);
  }
  return closure(out);
}

ShrinkCounts ShrinkSpace::counts(const Indices& keep) const {
  const PlanPart p = part(keep);
  return {p.fault_keys.size(), p.crash_points.size(), p.actions.size(), p.scheduled.size()};
}

std::string ShrinkSpace::render(const Indices& keep, const std::string& header) const {
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

std::string ShrinkSpace::signature(const std::string& text) const {
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

PlanPart ShrinkSpace::part(const Indices& keep) const {
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

}  // namespace clsim::sim
