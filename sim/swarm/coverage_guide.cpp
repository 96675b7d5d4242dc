#include "sim/swarm/coverage_guide.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/core/distributions.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/world/catalogue.hpp"
#include "sim/world/fault_keys.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;

struct Setting {
  const char* service;
  const char* key;
  json value;
};

// Fault counters that are not a fault key of their own: what makes them happen.
const std::map<std::string, std::vector<Setting>>& counter_hints() {
  static const std::map<std::string, std::vector<Setting>> hints = {
      {"twitter_duplicate_refused", {{"twitter", "timeout_after_create_rate", 0.3}}},
      {"twitter_rate_limited", {{"twitter", "rate_limit", true}}},
      {"twitter_usage_capped", {{"twitter", "usage_cap", true}}},
      {"hedera_duplicate", {{"hedera", "unknown_outcome_rate", 0.3}}},
      {"disk_lost_write", {{"disk", "lose_unsynced_on_crash", true}}},
      {"disk_torn_write", {{"disk", "lose_unsynced_on_crash", true}, {"disk", "torn_write", true}}},
      {"websocket_slow_drop", {{"websocket", "slow_clients", 2}}},
  };
  return hints;
}

// "sometimes" marks and the faults that lead to their branch (from the engine code
// that marks them): a retry after an unseen success, a duplicate delivery, a slow
// call whose lease another engine's resume timer meets, retries running out.
const std::map<std::string, std::vector<Setting>>& mark_hints() {
  static const std::map<std::string, std::vector<Setting>> hints = {
      {"duplicate_tweet_prevented", {{"twitter", "timeout_after_create_rate", 0.3}}},
      {"inbox_duplicate_dropped", {{"bus", "duplicate_rate", 0.3}}},
      {"customer_event_duplicate_dropped", {{"bus", "duplicate_rate", 0.3}}},
      {"ledger_memo_lookup_found", {{"hedera", "unknown_outcome_rate", 0.3}}},
      {"ledger_payment_owned_elsewhere", {{"hedera", "slow_node_rate", 0.3}}},
      {"claim_payment_owned_elsewhere", {{"hedera", "slow_node_rate", 0.3}}},
      {"tweet_lease_held_elsewhere", {{"twitter", "timeout_rate", 0.3}}},
      {"customer_event_retries_exhausted", {{"hedera", "busy_rate", 0.8}}},
  };
  return hints;
}

// A fault counter "<service>_<kind>" is the key "<kind>_rate" or the bool "<kind>".
std::vector<Setting> settings_for_counter(const std::string& counter) {
  if (const auto it = counter_hints().find(counter); it != counter_hints().end()) return it->second;
  for (const auto& spec : fault_key_specs()) {
    const std::string service = spec.service, key = spec.key, type = spec.type;
    if (counter.rfind(service + "_", 0) != 0) continue;
    const std::string kind = counter.substr(service.size() + 1);
    if (type == "rate" && key == kind + "_rate") return {{spec.service, spec.key, kind == "ioerr" ? 0.03 : 0.3}};
    if (type == "bool" && key == kind) return {{spec.service, spec.key, true}};
  }
  return {};
}

void add_settings(RandomBias& bias, const std::vector<Setting>& settings) {
  for (const auto& s : settings) bias.extra_faults[s.service][s.key] = s.value;
}

void add_crash_point(RandomBias& bias, const std::string& point) {
  if (point == "none" || !is_crash_point(point.c_str())) return;
  auto& points = bias.extra_crash_points;
  if (std::find(points.begin(), points.end(), point) == points.end()) points.push_back(point);
}

// Moments after a close: claims and refunds, which an early heal leaves fault-free.
bool after_close(const std::string& text) {
  for (const char* s : {"CLOSED->", "REWARD_CLAIM->", "during_close", "after_refund", "after_claim_transfer"})
    if (text.find(s) != std::string::npos) return true;
  return false;
}

// "FROM->TO x FAULT x POINT" split at " x ".
std::vector<std::string> matrix_parts(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at; (at = key.find(" x ", from)) != std::string::npos; from = at + 3)
    parts.push_back(key.substr(from, at - from));
  parts.push_back(key.substr(from));
  return parts;
}

void merge_into(RandomBias& into, const RandomBias& from) {
  for (auto s = from.extra_faults.begin(); s != from.extra_faults.end(); ++s)
    for (auto k = s.value().begin(); k != s.value().end(); ++k) into.extra_faults[s.key()][k.key()] = k.value();
  for (const auto& p : from.extra_crash_points) add_crash_point(into, p);
  into.late_heal = into.late_heal || from.late_heal;
  if (!from.random_faults)  // --focused wins: the other target's faults still come as settings
    into.random_faults = false, into.max_social_campaigns = 3, into.no_rule_campaigns = true;
}

std::int64_t count_of(const json& coverage, const std::string& section, const std::string& key) {
  if (!coverage.contains(section) || !coverage[section].is_object() || !coverage[section].contains(key)) return 0;
  const json& v = coverage[section][key];
  return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

}  // namespace

std::optional<RandomBias> knobs_for(const RequiredCell& cell) {
  RandomBias bias;
  if (cell.section == "crash_points") {
    add_crash_point(bias, cell.key);
  } else if (cell.section == "faults") {
    add_settings(bias, settings_for_counter(cell.key));
  } else if (cell.section == "sometimes") {
    if (const auto it = mark_hints().find(cell.key); it != mark_hints().end()) add_settings(bias, it->second);
    if (cell.key == "timer_fired_late") add_crash_point(bias, "after_contract");  // a restart finds timers overdue
  } else if (cell.section == "matrix") {
    const auto parts = matrix_parts(cell.key);
    if (parts.size() == 3) {
      add_settings(bias, settings_for_counter(parts[1]));
      add_crash_point(bias, parts[2]);
      // "x none x POINT": no fault may reach the campaign while it is in FROM,
      // so no random faults, and a heal left where it falls.
      if (parts[1] == "none") {
        bias.random_faults = false, bias.max_social_campaigns = 3, bias.no_rule_campaigns = true;
        return bias.extra_crash_points.empty() ? std::nullopt : std::optional<RandomBias>(bias);
      }
    }
  }
  bias.late_heal = after_close(cell.section == "matrix" || cell.section == "crash_points" ? cell.key : "");
  if (bias.extra_faults.empty() && bias.extra_crash_points.empty()) return std::nullopt;
  return bias;
}

std::vector<RequiredCell> guide_targets(const nlohmann::json& coverage, const std::vector<RequiredCell>& required) {
  std::vector<RequiredCell> targets = unreached(coverage, required);
  if (!targets.empty()) return targets;
  std::vector<std::tuple<std::int64_t, std::string, std::string>> rare;
  for (const auto& p : crash_point_catalogue())
    if (count_of(coverage, "crash_points", p.name) == 0) rare.emplace_back(0, "crash_points", p.name);
  for (const char* section : {"crash_points", "sometimes", "matrix"}) {
    if (!coverage.contains(section) || !coverage[section].is_object()) continue;
    for (auto it = coverage[section].begin(); it != coverage[section].end(); ++it) {
      const std::int64_t n = it.value().is_number_integer() ? it.value().get<std::int64_t>() : 0;
      if (n > 0 && n <= 2) rare.emplace_back(n, section, it.key());
    }
  }
  std::sort(rare.begin(), rare.end());  // rarest first, then by name: no map order leaks in
  for (const auto& [n, section, key] : rare)
    if (knobs_for({0, section, key})) targets.push_back({0, section, key});
  return targets;
}

std::vector<RandomBias> guided_batch(std::uint64_t fuzz_seed, std::uint64_t batch, std::size_t size,
                                     const nlohmann::json& coverage, const std::vector<RequiredCell>& required) {
  const std::vector<RequiredCell> targets = guide_targets(coverage, required);
  std::vector<RandomBias> out(size);
  if (targets.empty()) return out;
  Prng rng = Prng::stream(fuzz_seed, "fuzz.guide." + std::to_string(batch));
  std::size_t next = engine::uniform_below(rng, targets.size());
  for (std::size_t i = 0; i < size; ++i) {
    if (i % 4 == 3) continue;  // plain random: exploration beyond what the hints know
    for (int aim = 0; aim < 2 && aim < int(targets.size()); ++aim) {
      if (const auto knobs = knobs_for(targets[next % targets.size()])) merge_into(out[i], *knobs);
      ++next;
    }
  }
  return out;
}

}  // namespace clsim::sim
