// Rule campaign rules as data: validation at creation (errors name the rule and
// field), JSON round trip for the store, and evaluation of one customer event.
// Evaluation tells a poison event (a field of the wrong type) from a non-match.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"

namespace clsim::engine {

// Empty when fine, else e.g. "rules[2].when[1] (field amount): op > needs a number value".
std::string validate_rule_spec(const RuleCampaignSpec& spec);
// Empty when fine, else "event id is required" etc.
std::string validate_customer_event(const CustomerEvent& ev);

nlohmann::json rules_to_json(const std::vector<Rule>& rules);
std::vector<Rule> rules_from_json(const nlohmann::json& j);

struct RuleVerdict {
  bool matched = false;
  int rule_index = 0;  // 1-based, when matched or poisoned
  Money reward;
  std::string poison;  // non-empty: the event cannot be evaluated, with why
};

// The first rule of `rules` that the event matches. Missing fields never match;
// a present field of the wrong type is poison.
RuleVerdict evaluate_rules(const std::vector<Rule>& rules, const std::string& type, const nlohmann::json& payload);

}  // namespace clsim::engine
