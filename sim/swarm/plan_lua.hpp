// Writes a random plan (sim/swarm/random_plan.hpp) as a Lua scenario that does
// what `clsim run --random` does with it, action by action at the same virtual
// times, with a fault schedule in place of random fault decisions. `clsim
// shrink` renders every candidate this way, so the scenario it writes is the
// very run it checked.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"
#include "mocks/fault_schedule.hpp"

namespace clsim::sim {

// What a shrunk scenario keeps of a plan: the world's fault keys (a `_min`/`_max`
// pair is one key), armed crash points, actions and scheduled faults, by index.
struct PlanPart {
  std::vector<std::string> fault_keys;  // "service.key" ("service.latency" for a _min/_max pair)
  std::vector<std::size_t> crash_points, actions, scheduled;
};

struct PlanScenario {
  const nlohmann::ordered_json* plan = nullptr;
  const std::vector<mocks::ScheduledFault>* schedule = nullptr;  // `at` since the start
  engine::Duration max_time{};
  std::string header;  // comment lines at the top (each starting "-- ")
};

// The fault keys of a plan as PlanPart names them.
std::vector<std::string> plan_fault_keys(const nlohmann::ordered_json& plan);

std::string plan_to_lua(const PlanScenario& s, const PlanPart& keep);

// A Lua literal for a JSON value: tables with their keys in order. Integers
// under a key in `duration_keys` (microseconds) are written as lua_duration.
std::string lua_literal(const nlohmann::ordered_json& value, const std::vector<std::string>& duration_keys = {});
// "minutes(90)", "seconds(5)" or plain microseconds: a duration a person reads.
std::string lua_duration(std::int64_t us);

}  // namespace clsim::sim
