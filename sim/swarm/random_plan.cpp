#include "sim/swarm/random_plan.hpp"

#include <algorithm>

#include "engine/core/distributions.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/world/catalogue.hpp"
#include "sim/world/fault_keys.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;
constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

struct Gen {
  Prng rng;
  std::int64_t range(std::int64_t lo, std::int64_t hi) { return engine::uniform_range(rng, lo, hi); }
  bool chance(int percent) { return range(1, 100) <= percent; }
  // A share with two decimals, so the plan reads as people write rates.
  double share(int lo_percent, int hi_percent) { return double(range(lo_percent, hi_percent)) / 100.0; }
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Swarm testing: each seed turns on a random subset of the fault catalogue, so a
// fault that masks another (a usage cap hiding timeouts) is absent in some runs.
json pick_faults(Gen& g) {
  json faults = json::object();
  const int intensity = int(g.range(10, 40));  // percent of fault kinds turned on
  for (const auto& spec : fault_key_specs()) {
    const std::string key = spec.key;
    const std::string type = spec.type;
    if (ends_with(key, "_max")) continue;  // set with its _min partner
    // Whole-service outages (a full disk, a usage cap) starve the rest of the
    // workload, so they are rarer; disk errors stay light for the same reason.
    const bool outage = key == "full" || key == "usage_cap";
    if (!g.chance(outage ? intensity / 5 : intensity)) continue;
    json& svc = faults[spec.service];
    if (type == "rate") {
      svc[key] = key == "ioerr_rate" ? g.share(1, 5) : g.share(1, 25);
    } else if (type == "bool") {
      svc[key] = true;
    } else if (type == "count") {
      svc[key] = g.range(1, 2);
    } else if (ends_with(key, "_min")) {
      const std::int64_t lo = g.range(0, 500) * 1000;
      svc[key] = lo;
      svc[key.substr(0, key.size() - 4) + "_max"] = lo + g.range(0, 3000) * 1000;
    } else if (key == "mirror_lag") {
      svc[key] = g.range(0, 10) * kSecond;
    } else {
      svc[key] = g.range(1, 30) * kSecond;  // timeout_delay, slow_node_delay
    }
  }
  return faults;
}

json random_rates(Gen& g) {
  return {{"like", g.range(0, 300)}, {"retweet", g.range(0, 800)}, {"quote", g.range(0, 1000)},
          {"reply", g.range(0, 500)}};
}

void add(json& actions, std::int64_t at_us, json action) {
  json a = {{"at_us", at_us}};
  for (auto it = action.begin(); it != action.end(); ++it) a[it.key()] = it.value();
  actions.push_back(std::move(a));
}

void social_campaigns(Gen& g, const RandomBias& bias, json& actions) {
  const int n = int(std::max<std::int64_t>(bias.min_social_campaigns, g.range(1, bias.max_social_campaigns)));
  for (int k = 1; k <= n; ++k) {
    const std::string owner = "owner-" + std::to_string(g.range(1, 3));
    const std::int64_t create_at = g.range(0, 120) * kMinute;
    const std::int64_t duration = g.range(60, 24 * 60) * kMinute;
    const std::int64_t window = g.range(60, 48 * 60) * kMinute;
    add(actions, create_at,
        {{"op", "create"}, {"campaign", k}, {"owner", owner}, {"budget", g.range(10'000, 2'000'000)},
         {"rates", random_rates(g)}, {"duration_us", duration}, {"claim_window_us", window},
         {"text", "Random campaign " + std::to_string(k)}});
    const std::int64_t publish_at = create_at + g.range(0, 30) * kMinute;
    if (g.chance(30))
      add(actions, create_at + (publish_at - create_at) / 2,
          {{"op", "update"}, {"campaign", k}, {"by", owner}, {"rates", random_rates(g)}});
    if (g.chance(8)) continue;  // never published: stays CREATED, which is allowed
    add(actions, publish_at, {{"op", "publish"}, {"campaign", k}, {"by", owner}});
    if (g.chance(30))
      add(actions, publish_at + g.range(0, 300) * kSecond,
          {{"op", "publish"}, {"campaign", k}, {"by", owner}, {"duplicate", true}});
    if (g.chance(10))
      add(actions, publish_at + g.range(0, 60) * kMinute, {{"op", "publish"}, {"campaign", k}, {"by", "mallory"}});
    if (g.chance(20))
      add(actions, publish_at + g.range(0, 120) * kMinute,
          {{"op", "update"}, {"campaign", k}, {"by", owner}, {"text", "Changed after publish"}});
    if (g.chance(20))
      add(actions, publish_at + g.range(0, 60) * kMinute, {{"op", "claim"}, {"campaign", k}, {"user", "stranger"}});
    const std::int64_t claim_at = publish_at + duration + g.range(10, 360) * kMinute;
    const std::int64_t every = g.range(1, 4);
    add(actions, claim_at, {{"op", "claim_rewards"}, {"campaign", k}, {"every", every}});
    if (g.chance(30))
      add(actions, claim_at + g.range(0, 60) * kMinute, {{"op", "claim_rewards"}, {"campaign", k}, {"every", every}});
    if (g.chance(20))
      add(actions, publish_at + duration + window + g.range(60, 300) * kMinute,
          {{"op", "claim_rewards"}, {"campaign", k}, {"every", 1}});
  }
}

void rule_campaigns(Gen& g, json& actions) {
  const int n = g.chance(50) ? 0 : int(g.range(1, 2));
  int event_no = 0;
  for (int k = 1; k <= n; ++k) {
    const std::int64_t create_at = g.range(0, 120) * kMinute;
    const std::int64_t duration = g.range(60, 6 * 60) * kMinute;
    json rules = json::array();
    rules.push_back({{"event_type", "purchase"},
                     {"when", json::array({{{"field", "amount"}, {"op", ">"}, {"value", g.range(10, 80)}}})},
                     {"reward", g.range(5, 50)}});
    if (g.chance(50)) rules.push_back({{"event_type", "signup"}, {"when", json::array()}, {"reward", g.range(1, 10)}});
    add(actions, create_at,
        {{"op", "rule_campaign"}, {"owner", "shop-" + std::to_string(k)}, {"budget", g.range(100, 2000)},
         {"duration_us", duration}, {"rules", rules}});
    for (int e = 0, events = int(g.range(0, 15)); e < events; ++e) {
      const std::string id = "e-" + std::to_string(++event_no);
      const bool purchase = g.chance(80);
      json payload = json::object();
      if (purchase) payload["amount"] = g.range(1, 150);
      if (purchase && g.chance(10)) payload["amount"] = "lots";  // poison: text where a number is compared
      const json event = {{"op", "customer_event"}, {"id", id}, {"type", purchase ? "purchase" : "signup"},
                          {"user", "u" + std::to_string(g.range(1, 20))}, {"payload", payload}};
      const std::int64_t at = create_at + 1 + g.range(0, duration / kMinute + 30) * kMinute;
      add(actions, at, event);
      if (g.chance(20))
        for (int d = 0, dups = int(g.range(1, 3)); d < dups; ++d) add(actions, at + g.range(0, 600) * kSecond, event);
    }
  }
}

}  // namespace

std::vector<std::string> bias_argv(const RandomBias& bias) {
  std::vector<std::string> out;
  if (!bias.random_faults && bias.max_social_campaigns == 3 && bias.no_rule_campaigns) out.push_back("--focused");
  for (auto s = bias.extra_faults.begin(); s != bias.extra_faults.end(); ++s)
    for (auto k = s.value().begin(); k != s.value().end(); ++k)
      out.insert(out.end(), {"--fault", s.key() + "." + k.key() + "=" + k.value().dump()});
  for (const auto& p : bias.extra_crash_points) out.insert(out.end(), {"--crash-at", p});
  if (bias.late_heal) out.push_back("--late-heal");
  return out;
}

std::string bias_args(const RandomBias& bias) {
  std::string out;
  for (const auto& a : bias_argv(bias)) out += " " + a;
  return out;
}

nlohmann::ordered_json bias_json(const RandomBias& bias) {
  json points = json::array();
  for (const auto& p : bias.extra_crash_points) points.push_back(p);
  return {{"extra_faults", bias.extra_faults},       {"extra_crash_points", points},
          {"min_social_campaigns", bias.min_social_campaigns}, {"max_social_campaigns", bias.max_social_campaigns},
          {"random_faults", bias.random_faults},     {"no_rule_campaigns", bias.no_rule_campaigns},
          {"late_heal", bias.late_heal}};
}

RandomBias bias_from_json(const nlohmann::ordered_json& j) {
  RandomBias bias;
  bias.extra_faults = j.value("extra_faults", json::object());
  for (const auto& p : j.value("extra_crash_points", json::array())) bias.extra_crash_points.push_back(p.get<std::string>());
  bias.min_social_campaigns = j.value("min_social_campaigns", bias.min_social_campaigns);
  bias.max_social_campaigns = j.value("max_social_campaigns", bias.max_social_campaigns);
  bias.random_faults = j.value("random_faults", bias.random_faults);
  bias.no_rule_campaigns = j.value("no_rule_campaigns", bias.no_rule_campaigns);
  bias.late_heal = j.value("late_heal", bias.late_heal);
  return bias;
}

nlohmann::ordered_json generate_random_plan(std::uint64_t seed, const RandomBias& bias) {
  Gen g{Prng::stream(seed, "swarm.plan")};
  json plan = {{"seed", seed}};
  if (!bias_args(bias).empty()) plan["bias"] = bias_json(bias);
  const int engines = int(g.range(1, 3));
  plan["world"] = {{"engines", engines},
                   {"clients", g.range(1, 3)},
                   {"audience", {{"users", g.range(10, 40)}, {"engage_probability", g.share(20, 80)}}},
                   {"accounts",
                    {{"owner-1", 1'000'000'000}, {"owner-2", 1'000'000'000}, {"owner-3", 1'000'000'000},
                     {"shop-1", 100'000}, {"shop-2", 100'000}}}};
  json faults = pick_faults(g);
  if (!bias.random_faults) faults = json::object();
  for (auto s = bias.extra_faults.begin(); s != bias.extra_faults.end(); ++s)
    for (auto k = s.value().begin(); k != s.value().end(); ++k) faults[s.key()][k.key()] = k.value();
  plan["faults"] = faults;

  json crash_points = json::array();
  const auto& points = crash_point_catalogue();
  for (int i = 0, n = int(g.range(0, 3)); i < n; ++i)
    crash_points.push_back({{"point", points[engine::choice(g.rng, points.size())].name},
                            {"engine", g.range(0, engines)},
                            {"times", g.range(1, 2)},
                            {"restart_after_us", g.range(0, 60) * kSecond}});
  for (const auto& p : bias.extra_crash_points)
    crash_points.push_back({{"point", p}, {"engine", 0}, {"times", 2}, {"restart_after_us", 5 * kSecond}});
  plan["crash_points"] = crash_points;

  json actions = json::array();
  social_campaigns(g, bias, actions);
  if (!bias.no_rule_campaigns) rule_campaigns(g, actions);
  for (int i = 0, n = int(g.range(0, 3)); i < n; ++i)
    add(actions, g.range(0, 30 * 60) * kMinute,
        {{"op", "crash"}, {"engine", g.range(1, engines)}, {"restart_after_us", g.range(0, 120) * kSecond}});
  std::int64_t heal_at = g.range(2 * 60, 30 * 60) * kMinute;
  if (bias.late_heal)
    for (const auto& a : actions) heal_at = std::max(heal_at, a["at_us"].get<std::int64_t>() + kMinute);
  plan["heal_at_us"] = heal_at;
  add(actions, heal_at, {{"op", "heal"}});
  std::stable_sort(actions.begin(), actions.end(),
                   [](const json& a, const json& b) { return a["at_us"].get<std::int64_t>() < b["at_us"].get<std::int64_t>(); });
  plan["actions"] = actions;
  return plan;
}

}  // namespace clsim::sim
