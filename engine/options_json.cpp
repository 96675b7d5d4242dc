#include "engine/options_json.hpp"

#include <utility>

#include "engine/domain/validation.hpp"

namespace clsim::engine {

namespace {

struct TimingField {
  const char* key;
  Duration EngineOptions::*top = nullptr;      // a field of EngineOptions
  Duration EngineDurations::*inner = nullptr;  // or of EngineOptions::durations
  std::int64_t min_us = 1;
  std::int64_t max_us = kDurationMax.count();
};

const std::vector<TimingField>& fields() {
  static const std::vector<TimingField> f = {
      {"poll_interval_us", &EngineOptions::poll_interval},
      {"heartbeat_interval_us", &EngineOptions::heartbeat_interval},
      {"heartbeat_write_interval_us", &EngineOptions::heartbeat_write_interval},
      {"rule_batch_window_us", &EngineOptions::rule_batch_window},
      {"resume_after_us", nullptr, &EngineDurations::resume_after},
      {"timer_lease_us", nullptr, &EngineDurations::timer_lease},
      {"payment_lease_us", nullptr, &EngineDurations::payment_lease},
      {"tweet_lease_us", nullptr, &EngineDurations::tweet_lease},
      {"claim_stale_us", nullptr, &EngineDurations::claim_stale},
      {"claim_stale_at_start_us", nullptr, &EngineDurations::claim_stale_at_start},
      // Hedera takes valid durations of 15..180 s only.
      {"tx_valid_us", nullptr, &EngineDurations::tx_valid, 15'000'000, 180'000'000},
      {"rule_end_grace_us", nullptr, &EngineDurations::rule_end_grace},
      {"expiry_recheck_us", nullptr, &EngineDurations::expiry_recheck},
  };
  return f;
}

Duration& field_of(EngineOptions& o, const TimingField& f) { return f.top ? o.*(f.top) : o.durations.*(f.inner); }

}  // namespace

nlohmann::ordered_json timing_json(const EngineOptions& options) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& f : fields()) out[f.key] = (f.top ? options.*(f.top) : options.durations.*(f.inner)).count();
  return out;
}

std::string apply_timing(EngineOptions& options, const nlohmann::json& table) {
  if (!table.is_object()) return "engine: expected a table of durations";
  EngineOptions next = options;
  for (auto it = table.begin(); it != table.end(); ++it) {
    const TimingField* f = nullptr;
    for (const auto& candidate : fields())
      if (it.key() == candidate.key) f = &candidate;
    if (!f) return "engine: unknown key '" + it.key() + "'";
    if (!it.value().is_number_integer()) return "engine." + it.key() + ": expected an integer (microseconds)";
    const std::int64_t v = it.value().get<std::int64_t>();
    if (v < f->min_us || v > f->max_us)
      return "engine." + it.key() + ": expected " + std::to_string(f->min_us) + ".." + std::to_string(f->max_us) +
             " microseconds, got " + std::to_string(v);
    field_of(next, *f) = Duration(v);
  }
  options = std::move(next);
  return "";
}

const std::vector<std::string>& timing_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& f : fields()) k.emplace_back(f.key);
    return k;
  }();
  return keys;
}

}  // namespace clsim::engine
