// What clsim shrink searches over (sim/swarm/shrinker.hpp): for --random the
// plan's fault settings, armed crash points, workload actions and the scheduled
// faults in one index range; for a script only the scheduled faults. It renders
// any subset as the Lua text that gets written and runs that text for its failure.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"
#include "mocks/fault_schedule.hpp"
#include "sim/runtime/ddmin.hpp"
#include "sim/swarm/plan_lua.hpp"
#include "sim/swarm/shrinker.hpp"

namespace clsim::sim {

class ShrinkSpace {
 public:
  // `schedule` is the recorded faults, `at` since the run's start.
  ShrinkSpace(const ShrinkOptions& o, std::vector<mocks::ScheduledFault> schedule)
      : o_(o), schedule_(std::move(schedule)) {}
  ShrinkSpace(const ShrinkSpace&) = delete;
  ShrinkSpace& operator=(const ShrinkSpace&) = delete;

  void set_plan(nlohmann::ordered_json plan, engine::Duration max_time);
  void set_script(std::string text) { script_ = std::move(text); }

  std::size_t size() const { return keys_.size() + crash_points() + actions() + schedule_.size(); }

  // A campaign command keeps its campaign's create.
  Indices closure(const Indices& keep) const;
  // Coarse groups for a first pass: each fault setting, each crash point, each
  // campaign's actions together (other actions alone), and the scheduled faults
  // of one kind together, so thousands of disk errors go in one run, not hundreds.
  std::vector<Indices> groups() const;
  // Everything but the scheduled faults and actions after `t` (since the start):
  // what comes after an invariant failed cannot have made it fail.
  Indices until(engine::Duration t) const;

  ShrinkCounts counts(const Indices& keep) const;
  std::string render(const Indices& keep, const std::string& header) const;
  // "" when the run passes; else how it failed.
  std::string signature(const std::string& text) const;

 private:
  std::size_t crash_points() const { return plan_.is_null() ? 0 : plan_.at("crash_points").size(); }
  std::size_t actions() const { return plan_.is_null() ? 0 : plan_.at("actions").size(); }
  PlanPart part(const Indices& keep) const;

  const ShrinkOptions& o_;
  std::vector<mocks::ScheduledFault> schedule_;
  nlohmann::ordered_json plan_;
  engine::Duration max_time_{};
  std::vector<std::string> keys_;
  std::map<std::size_t, std::size_t> needs_;  // action -> the create it needs
  std::string script_;
};

}  // namespace clsim::sim
