#include "engine/adapters/live/service/api_json.hpp"

#include <initializer_list>

#include "engine/domain/validation.hpp"

namespace clsim::live {

namespace {

using nlohmann::json;

// Reading stops at the first bad field: thrown inside this file, caught by run().
std::string path(const std::string& prefix, const char* key) { return prefix.empty() ? key : prefix + "." + key; }

void allow_only(const json& obj, const std::string& prefix, std::initializer_list<const char*> keys) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) throw BadField{"unknown field " + path(prefix, it.key().c_str()), path(prefix, it.key().c_str())};
  }
}

const json* find(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::int64_t> opt_integer(const json& obj, const std::string& prefix, const char* key) {
  const json* v = find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) throw BadField{path(prefix, key) + " must be an integer", path(prefix, key)};
  return v->get<std::int64_t>();
}

std::int64_t integer(const json& obj, const std::string& prefix, const char* key) {
  if (auto v = opt_integer(obj, prefix, key)) return *v;
  throw BadField{path(prefix, key) + " is required", path(prefix, key)};
}

std::optional<std::string> opt_string(const json& obj, const std::string& prefix, const char* key) {
  const json* v = find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw BadField{path(prefix, key) + " must be a string", path(prefix, key)};
  return v->get<std::string>();
}

std::string string(const json& obj, const std::string& prefix, const char* key) {
  if (auto v = opt_string(obj, prefix, key)) return *v;
  throw BadField{path(prefix, key) + " is required", path(prefix, key)};
}

const json& object(const json& v, const std::string& where) {
  if (!v.is_object()) throw BadField{where + " must be an object", where};
  return v;
}

engine::Rates rates(const json& obj) {
  const json* v = find(obj, "rates");
  if (!v) throw BadField{"rates is required", "rates"};
  const json& r = object(*v, "rates");
  allow_only(r, "rates", {"like", "retweet", "quote", "reply"});
  return engine::Rates{engine::Money(integer(r, "rates", "like")), engine::Money(integer(r, "rates", "retweet")),
                       engine::Money(integer(r, "rates", "quote")), engine::Money(integer(r, "rates", "reply"))};
}

engine::Rule rule(const json& v, const std::string& at) {
  const json& r = object(v, at);
  allow_only(r, at, {"event_type", "when", "reward"});
  engine::Rule out;
  out.event_type = string(r, at, "event_type");
  out.reward = engine::Money(integer(r, at, "reward"));
  if (const json* when = find(r, "when")) {
    if (!when->is_array()) throw BadField{at + ".when must be a list", at + ".when"};
    for (std::size_t k = 0; k < when->size(); ++k) {
      const std::string cat = at + ".when[" + std::to_string(k + 1) + "]";
      const json& c = object((*when)[k], cat);
      allow_only(c, cat, {"field", "op", "value"});
      const json* value = find(c, "value");
      if (!value) throw BadField{cat + ".value is required", cat + ".value"};
      out.when.push_back(engine::RuleCondition{string(c, cat, "field"), string(c, cat, "op"), *value});
    }
  }
  return out;
}

template <class T, class F>
Parsed<T> run(F&& f) {
  try {
    return f();
  } catch (const BadField& bad) {
    return bad;
  }
}

}  // namespace

Parsed<json> parse_object(const std::string& body) {
  if (body.empty()) return json::object();
  try {
    json j = json::parse(body);
    if (!j.is_object()) return BadField{"the body must be a JSON object", ""};
    return j;
  } catch (const json::parse_error& e) {
    return BadField{std::string("bad JSON: ") + e.what(), ""};
  }
}

Parsed<engine::CampaignSpec> campaign_spec(const json& body) {
  return run<engine::CampaignSpec>([&] {
    allow_only(body, "", {"id", "owner", "budget", "rates", "text", "duration_us", "claim_window_us"});
    engine::CampaignSpec spec;
    spec.id = opt_string(body, "", "id");
    spec.owner = string(body, "", "owner");
    spec.budget = engine::Money(integer(body, "", "budget"));
    spec.rates = rates(body);
    spec.text = opt_string(body, "", "text").value_or(engine::kDefaultCampaignText);
    spec.duration = engine::Duration(integer(body, "", "duration_us"));
    spec.claim_window = engine::Duration(integer(body, "", "claim_window_us"));
    return spec;
  });
}

Parsed<UpdateRequest> update_request(const json& body) {
  return run<UpdateRequest>([&] {
    allow_only(body, "", {"text", "rates", "duration_us", "claim_window_us", "by"});
    UpdateRequest u;
    u.by = opt_string(body, "", "by");
    u.change.text = opt_string(body, "", "text");
    if (find(body, "rates")) u.change.rates = rates(body);
    if (auto d = opt_integer(body, "", "duration_us")) u.change.duration = engine::Duration(*d);
    if (auto d = opt_integer(body, "", "claim_window_us")) u.change.claim_window = engine::Duration(*d);
    return u;
  });
}

Parsed<std::optional<std::string>> by_field(const json& body) {
  return run<std::optional<std::string>>([&] {
    allow_only(body, "", {"by"});
    return opt_string(body, "", "by");
  });
}

Parsed<std::string> user_id_field(const json& body) {
  return run<std::string>([&] {
    allow_only(body, "", {"user_id"});
    return string(body, "", "user_id");
  });
}

Parsed<engine::RuleCampaignSpec> rule_campaign_spec(const json& body) {
  return run<engine::RuleCampaignSpec>([&] {
    allow_only(body, "", {"id", "owner", "budget", "duration_us", "rules"});
    engine::RuleCampaignSpec spec;
    spec.id = opt_string(body, "", "id");
    spec.owner = string(body, "", "owner");
    spec.budget = engine::Money(integer(body, "", "budget"));
    spec.duration = engine::Duration(integer(body, "", "duration_us"));
    const json* rules = find(body, "rules");
    if (!rules) throw BadField{"rules is required", "rules"};
    if (!rules->is_array()) throw BadField{"rules must be a list", "rules"};
    for (std::size_t i = 0; i < rules->size(); ++i)
      spec.rules.push_back(rule((*rules)[i], "rules[" + std::to_string(i + 1) + "]"));
    return spec;
  });
}

Parsed<engine::CustomerEvent> customer_event(const json& body) {
  return run<engine::CustomerEvent>([&] {
    allow_only(body, "", {"event_id", "type", "user_id", "data"});
    engine::CustomerEvent ev;
    ev.id = string(body, "", "event_id");
    ev.type = string(body, "", "type");
    ev.user = string(body, "", "user_id");
    if (const json* data = find(body, "data")) ev.payload = object(*data, "data");
    return ev;
  });
}

std::string field_of_reason(const std::string& reason) {
  std::string first = reason.substr(0, reason.find_first_of(" :"));
  if (first == "duration" || first == "claim_window") return first + "_us";
  if (first == "event") return "event_id";
  return first;
}

json campaign_view(const engine::CampaignRecord& c, const std::vector<std::string>& tweets,
                   const std::vector<engine::RewardView>& rewards) {
  json view = {{"id", c.id},         {"state", c.state},   {"owner", c.owner},
               {"budget", c.budget.minor}, {"tweets", tweets}, {"rewards", json::array()}};
  for (const auto& r : rewards)
    view["rewards"].push_back({{"user", r.user}, {"amount", r.amount.minor}, {"status", r.status}});
  view["text"] = c.text;
  view["escrowed"] = c.escrowed.minor;
  view["refunded"] = c.refunded.minor;
  view["claimed"] = c.claimed.minor;
  view["returned"] = c.returned.minor;
  if (c.start_us) view["start_us"] = *c.start_us;
  if (c.close_us) view["close_us"] = *c.close_us;
  if (c.expiry_us) view["expiry_us"] = *c.expiry_us;
  return view;
}

json rule_campaign_view(const engine::RuleCampaignRecord& r) {
  return {{"id", r.id},           {"state", r.state},        {"owner", r.owner},
          {"budget", r.budget.minor}, {"paid", r.paid.minor}, {"reserved", r.reserved.minor},
          {"refunded", r.refunded.minor}, {"funded", r.funded}, {"start_us", r.start_us},
          {"end_us", r.end_us}};
}

json match_view(const engine::RuleMatchRecord& m) {
  // As the Lua API shows it: a payment that gave up is unpaid, its reason says why.
  return {{"event_id", m.event_id},
          {"user", m.user},
          {"reward", m.reward.minor},
          {"status", m.status == "failed" ? std::string("unpaid") : m.status},
          {"reason", m.reason}};
}

json dead_letter_view(const engine::DeadLetterRecord& d) {
  return {{"event_id", d.event_id}, {"reason", d.reason}, {"message", d.message}, {"attempts", d.attempts}};
}

}  // namespace clsim::live
