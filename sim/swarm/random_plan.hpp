// The swarm's random workload for one seed, as data: the world, a random subset
// of fault kinds with random settings (swarm testing), crash points to arm, and a
// list of actions keyed by virtual time. Generating the plan first and running it
// second keeps it readable in the report ("random_plan") and makes it editable.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clsim::sim {

// Steering for tests that must reach particular moments (the mutation tests):
// faults merged over the random ones and crash points armed on top of them.
struct RandomBias {
  nlohmann::ordered_json extra_faults = nlohmann::ordered_json::object();
  std::vector<std::string> extra_crash_points;  // armed times=2, restart after 5 s
  int min_social_campaigns = 1;
  int max_social_campaigns = 8;
  bool random_faults = true;  // false: only extra_faults
  bool late_heal = false;     // heal after the last action, so claims meet the faults
  bool no_rule_campaigns = false;
};

// The bias as command-line flags (--focused, --fault S.K=V, --crash-at P), for
// repro commands; "" when there is no bias.
std::string bias_args(const RandomBias& bias);
// The same as separate arguments, for a child process's argv.
std::vector<std::string> bias_argv(const RandomBias& bias);
nlohmann::ordered_json bias_json(const RandomBias& bias);
// The inverse of bias_json (missing keys keep their defaults); throws nlohmann's
// type_error on a wrong type.
RandomBias bias_from_json(const nlohmann::ordered_json& j);

// Plan JSON: {"seed", "world": {...}, "faults": {service: {key: value}},
// "crash_points": [{"point","engine","times","restart_after_us"}], "heal_at_us",
// "actions": [{"at_us", "op", ...}] sorted by at_us}. Times are microseconds
// since the start of the run. The same seed and bias always give the same plan.
nlohmann::ordered_json generate_random_plan(std::uint64_t seed, const RandomBias& bias = {});

}  // namespace clsim::sim
