#include "sim/differential/live_outcomes.hpp"

#include "engine/adapters/live/http/url.hpp"

namespace clsim::differential {

namespace {

using json = nlohmann::json;

std::int64_t integer(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<std::int64_t>() : 0;
}

std::string text(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// The list under `key` of a GET answer; empty when the answer was not one.
json list_of(Endpoint& serve, const std::string& target, const char* key) {
  const json j = serve.get_json(target);
  return j.is_object() && j.contains(key) && j[key].is_array() ? j[key] : json::array();
}

std::string rule_unfinished(Endpoint& serve, const json& r) {
  const std::string id = text(r, "id"), state = text(r, "state");
  if (state != "ENDED") return id + " " + state;
  if (integer(r, "refunded") != integer(r, "budget") - integer(r, "reserved")) return id + " ENDED (refund pending)";
  for (const auto& m : list_of(serve, "/v1/rule-campaigns/" + live::url_encode(id) + "/matches", "matches"))
    if (text(m, "status") == "pending") return id + " ENDED (payment pending)";
  return {};
}

void add(std::string& list, const std::string& item) {
  if (!item.empty()) list += (list.empty() ? "" : ", ") + item;
}

}  // namespace

std::string unfinished(Endpoint& serve, const Workload& w, const std::set<std::string>& published) {
  std::map<std::string, std::string> states;
  for (const auto& c : list_of(serve, "/v1/campaigns", "campaigns")) states[text(c, "id")] = text(c, "state");
  std::string out;
  for (const auto& id : w.campaigns) {
    const std::string state = states.count(id) ? states[id] : "unknown";
    const bool final = state == "EXPIRED" || state == "FAILED" || (!published.count(id) && state != "PUBLISHING");
    if (!final) add(out, id + " " + state);
  }
  std::map<std::string, json> rules;
  for (const auto& r : list_of(serve, "/v1/rule-campaigns", "rule_campaigns")) rules[text(r, "id")] = r;
  for (const auto& id : w.rule_campaigns) {
    // A rule campaign serve refused to create never starts: nothing to wait for.
    if (rules.count(id)) add(out, rule_unfinished(serve, rules[id]));
  }
  return out;
}

namespace {

CampaignOutcome campaign_outcome(Endpoint& serve, const json& tweets, const std::string& id) {
  CampaignOutcome c;
  const json j = serve.get_json("/v1/campaigns/" + live::url_encode(id));
  if (!j.is_object()) return c;
  c.state = text(j, "state");
  c.owner = text(j, "owner");
  for (const auto& r : j.value("rewards", json::array()))
    c.rewards.push_back({text(r, "user"), integer(r, "amount"), text(r, "status")});
  const std::string marker = "[" + id + "/";
  for (const auto& t : tweets) c.tweets += text(t, "text").find(marker) != std::string::npos;
  return c;
}

RuleOutcome rule_outcome(Endpoint& serve, const std::string& id) {
  RuleOutcome r;
  const std::string target = "/v1/rule-campaigns/" + live::url_encode(id);
  const json j = serve.get_json(target);
  if (!j.is_object()) return r;
  r.state = text(j, "state");
  r.owner = text(j, "owner");
  r.paid = integer(j, "paid");
  r.refunded = integer(j, "refunded");
  for (const auto& m : list_of(serve, target + "/matches", "matches"))
    r.matches.push_back({text(m, "event_id"), text(m, "user"), integer(m, "reward"), text(m, "status")});
  return r;
}

}  // namespace

Outcomes read_live_outcomes(Endpoint& serve, Endpoint& mockd, const Workload& w,
                            const std::map<int, std::string>& refused) {
  Outcomes out;
  const json state = mockd.get_json("/mock/state");
  const json tweets = state.is_object() ? state.value("tweets", json::array()) : json::array();
  for (const auto& id : w.campaigns) out.campaigns[id] = campaign_outcome(serve, tweets, id);
  for (const auto& id : w.rule_campaigns) out.rule_campaigns[id] = rule_outcome(serve, id);
  for (const auto& d : list_of(serve, "/v1/dead-letters", "dead_letters"))
    out.dead_letters.push_back({text(d, "event_id"), text(d, "reason"), integer(d, "attempts"), text(d, "message")});
  if (state.is_object() && state.contains("balances") && state["balances"].is_object())
    for (const auto& [account, amount] : state["balances"].items())
      if (amount.is_number_integer()) out.ledger[account] = amount.get<std::int64_t>();
  out.refused = refused;
  out.normalise();
  return out;
}

}  // namespace clsim::differential
