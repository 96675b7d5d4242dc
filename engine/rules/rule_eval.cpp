#include "engine/rules/rule_eval.hpp"

#include <array>
#include <string_view>

#include "engine/domain/validation.hpp"

namespace clsim::engine {

namespace {

constexpr std::array<std::string_view, 8> kOps = {"=", "!=", ">", ">=", "<", "<=", "contains", "in"};

bool is_scalar(const nlohmann::json& v) { return v.is_number() || v.is_string() || v.is_boolean(); }
bool ordering(const std::string& op) { return op == ">" || op == ">=" || op == "<" || op == "<="; }

// Numbers compare across integer and float; other scalars must share a type.
bool same_kind(const nlohmann::json& a, const nlohmann::json& b) {
  return (a.is_number() && b.is_number()) || (a.is_string() && b.is_string()) || (a.is_boolean() && b.is_boolean());
}

const char* kind_name(const nlohmann::json& v) {
  if (v.is_number()) return "number";
  if (v.is_string()) return "text";
  if (v.is_boolean()) return "boolean";
  if (v.is_array()) return "list";
  if (v.is_object()) return "table";
  return "null";
}

const nlohmann::json* at_path(const nlohmann::json& payload, const std::string& path) {
  const nlohmann::json* cur = &payload;
  std::size_t from = 0;
  while (true) {
    const std::size_t dot = path.find('.', from);
    const std::string key = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) return cur;
    from = dot + 1;
  }
}

double num(const nlohmann::json& v) { return v.get<double>(); }

// 1: holds, 0: does not, -1: wrong type (poison).
int holds(const RuleCondition& c, const nlohmann::json& f) {
  if (c.op == "=" || c.op == "!=") {
    if (!is_scalar(f) || !same_kind(f, c.value)) return -1;
    const bool eq = f.is_number() ? num(f) == num(c.value) : f == c.value;
    return (c.op == "=") == eq ? 1 : 0;
  }
  if (ordering(c.op)) {
    if (!f.is_number()) return -1;
    const double a = num(f), b = num(c.value);
    if (c.op == ">") return a > b;
    if (c.op == ">=") return a >= b;
    if (c.op == "<") return a < b;
    return a <= b;
  }
  if (c.op == "contains") {
    if (f.is_string()) {
      if (!c.value.is_string()) return -1;
      return f.get<std::string>().find(c.value.get<std::string>()) != std::string::npos;
    }
    if (!f.is_array()) return -1;
    for (const auto& e : f)
      if (same_kind(e, c.value) && (e.is_number() ? num(e) == num(c.value) : e == c.value)) return 1;
    return 0;
  }
  // in
  if (!is_scalar(f)) return -1;
  bool typed = false;
  for (const auto& e : c.value) {
    if (!same_kind(e, f)) continue;
    typed = true;
    if (f.is_number() ? num(e) == num(f) : e == f) return 1;
  }
  return typed || c.value.empty() ? 0 : -1;
}

}  // namespace

std::string validate_rule_spec(const RuleCampaignSpec& spec) {
  if (spec.id)
    if (auto why = validate_id(*spec.id); !why.empty()) return why;
  if (spec.owner.empty()) return "owner is required";
  if (spec.budget.minor <= 0) return "budget must be > 0";
  if (auto why = validate_window("duration", spec.duration); !why.empty()) return why;
  if (spec.rules.empty()) return "rules: at least one rule is required";
  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    const Rule& r = spec.rules[i];
    const std::string at = "rules[" + std::to_string(i + 1) + "]";
    if (r.event_type.empty()) return at + ".event_type is required";
    if (r.reward.minor <= 0) return at + ".reward must be > 0";
    if (r.reward > spec.budget) return at + ".reward must not exceed the budget";
    for (std::size_t k = 0; k < r.when.size(); ++k) {
      const RuleCondition& c = r.when[k];
      const std::string where = at + ".when[" + std::to_string(k + 1) + "]";
      if (c.field.empty() || c.field.front() == '.' || c.field.back() == '.' || c.field.find("..") != std::string::npos)
        return where + ".field must be a dot path like \"cart.total\"";
      const std::string named = where + " (field " + c.field + ")";
      bool known = false;
      for (auto op : kOps) known = known || op == c.op;
      if (!known) return named + ": unknown op '" + c.op + "' (use = != > >= < <= contains in)";
      if (ordering(c.op) && !c.value.is_number()) return named + ": op " + c.op + " needs a number value";
      if ((c.op == "=" || c.op == "!=" || c.op == "contains") && !is_scalar(c.value))
        return named + ": op " + c.op + " needs a number, text or boolean value";
      if (c.op == "in") {
        if (!c.value.is_array()) return named + ": op in needs a list value";
        for (const auto& e : c.value)
          if (!is_scalar(e)) return named + ": op in needs a list of numbers, texts or booleans";
      }
    }
  }
  return {};
}

std::string validate_customer_event(const CustomerEvent& ev) {
  if (ev.id.empty()) return "event id is required";
  if (ev.type.empty()) return "event type is required";
  if (ev.user.empty()) return "event user is required";
  if (auto why = validate_id(ev.id); !why.empty()) return "event " + why;
  if (!ev.payload.is_object()) return "event payload must be a table";
  return {};
}

nlohmann::json rules_to_json(const std::vector<Rule>& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules) {
    nlohmann::json when = nlohmann::json::array();
    for (const auto& c : r.when) when.push_back({{"field", c.field}, {"op", c.op}, {"value", c.value}});
    out.push_back({{"event_type", r.event_type}, {"when", when}, {"reward", r.reward.minor}});
  }
  return out;
}

std::vector<Rule> rules_from_json(const nlohmann::json& j) {
  std::vector<Rule> out;
  for (const auto& r : j) {
    Rule rule{r.at("event_type").get<std::string>(), {}, Money(r.at("reward").get<std::int64_t>())};
    for (const auto& c : r.at("when"))
      rule.when.push_back(RuleCondition{c.at("field").get<std::string>(), c.at("op").get<std::string>(), c.at("value")});
    out.push_back(std::move(rule));
  }
  return out;
}

RuleVerdict evaluate_rules(const std::vector<Rule>& rules, const std::string& type, const nlohmann::json& payload) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    if (r.event_type != type) continue;
    bool all = true;
    for (const auto& c : r.when) {
      const nlohmann::json* f = at_path(payload, c.field);
      if (!f) {
        all = false;
        continue;  // a later condition may still be poison; keep checking types
      }
      const int h = holds(c, *f);
      if (h < 0)
        return RuleVerdict{false, int(i + 1), {},
                           "rule " + std::to_string(i + 1) + " field " + c.field + ": op " + c.op + " cannot compare " +
                               kind_name(*f) + " with " + kind_name(c.value)};
      all = all && h == 1;
    }
    if (all) return RuleVerdict{true, int(i + 1), r.reward, {}};
  }
  return {};
}

}  // namespace clsim::engine
