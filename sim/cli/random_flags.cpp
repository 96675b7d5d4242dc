#include "sim/cli/random_flags.hpp"

#include <nlohmann/json.hpp>

#include "sim/world/catalogue.hpp"

namespace clsim::cli {

void read_mutation(const std::string& m, engine::Mutations& into) {
  if (m == "skip_inbox_dedup") into.skip_inbox_dedup = true;
  else if (m == "skip_duplicate_tweet_check") into.skip_duplicate_tweet_check = true;
  else if (m == "pay_without_idempotent_id") into.pay_without_idempotent_id = true;
  else throw UsageError("unknown mutation '" + m + "' (skip_inbox_dedup, skip_duplicate_tweet_check, pay_without_idempotent_id)");
}

bool read_bias_flag(Args& a, const std::string& arg, sim::RandomBias& bias) {
  if (arg == "--late-heal") {
    bias.late_heal = true;
  } else if (arg == "--focused") {
    bias.random_faults = false, bias.max_social_campaigns = 3, bias.no_rule_campaigns = true;
  } else if (arg == "--crash-at") {
    bias.extra_crash_points.push_back(a.value(arg));
    if (!sim::is_crash_point(bias.extra_crash_points.back().c_str()))
      throw UsageError("--crash-at: unknown crash point '" + bias.extra_crash_points.back() + "'");
  } else if (arg == "--fault") {
    const std::string kv = a.value(arg);
    const auto dot = kv.find('.'), eq = kv.find('=');
    if (dot == std::string::npos || eq == std::string::npos || eq < dot)
      throw UsageError("--fault expects SERVICE.KEY=VALUE, got '" + kv + "'");
    const auto v = nlohmann::json::parse(kv.substr(eq + 1), nullptr, false);
    if (v.is_discarded()) throw UsageError("--fault " + kv + ": the value is not a number or true/false");
    bias.extra_faults[kv.substr(0, dot)][kv.substr(dot + 1, eq - dot - 1)] = v;
  } else {
    return false;
  }
  return true;
}

}  // namespace clsim::cli
