#include "sim/replay/log_fields.hpp"

#include "sim/world/catalogue.hpp"

#include "engine/ports/ledger.hpp"
#include "engine/ports/social.hpp"
#include "sim/replay/ledger_status.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::sim {

void LineFields::fail(const std::string& what) const { throw LogError(where + what); }

std::string LineFields::string(const std::string& key) const {
  if (!obj.contains(key)) fail("missing field " + prefix + key);
  const auto& v = obj.at(key);
  if (!v.is_string()) fail("field " + prefix + key + " must be a string, got " + v.dump());
  return v.get<std::string>();
}

std::string LineFields::optional_string(const std::string& key) const {
  return obj.contains(key) ? string(key) : std::string();
}

std::int64_t LineFields::integer(const std::string& key, std::int64_t min) const {
  if (!obj.contains(key)) fail("missing field " + prefix + key);
  const auto& v = obj.at(key);
  // A fraction where an integer belongs (money, times, durations) is malformed.
  if (!v.is_number_integer()) fail("field " + prefix + key + " must be an integer, got " + v.dump());
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
    fail("field " + prefix + key + " is out of range: " + v.dump());
  const std::int64_t n = v.get<std::int64_t>();
  if (n < min) fail("field " + prefix + key + " must be >= " + std::to_string(min) + ", got " + v.dump());
  return n;
}

const nlohmann::json& LineFields::object(const std::string& key) const {
  if (!obj.contains(key)) fail("missing field " + prefix + key);
  const auto& v = obj.at(key);
  if (!v.is_object()) fail("field " + prefix + key + " must be an object, got " + v.dump());
  return v;
}

nlohmann::json LineFields::object_or_empty(const std::string& key) const {
  return obj.contains(key) ? object(key) : nlohmann::json::object();
}

namespace {

// rule_campaign:create's payload: the rule_campaign{} fields, durations in microseconds.
void check_rule_campaign(const LineFields& p, const std::string& where) {
  p.string("owner");
  p.integer("budget");
  p.integer("duration_us");
  if (!p.obj.contains("rules") || !p.obj["rules"].is_array()) p.fail("field payload.rules must be a list of rules");
  int i = 0;
  for (const auto& rule : p.obj["rules"]) {
    const std::string at = "payload.rules[" + std::to_string(++i) + "].";
    if (!rule.is_object()) p.fail("field " + at.substr(0, at.size() - 1) + " must be an object");
    const LineFields r{rule, where, at};
    r.string("event_type");
    r.integer("reward");
    if (!rule.contains("when")) continue;
    if (!rule["when"].is_array()) r.fail("field " + at + "when must be a list");
    int k = 0;
    for (const auto& cond : rule["when"]) {
      const std::string cat = at + "when[" + std::to_string(++k) + "].";
      if (!cond.is_object()) r.fail("field " + cat.substr(0, cat.size() - 1) + " must be an object");
      const LineFields c{cond, where, cat};
      c.string("field");
      c.string("op");
      if (!cond.contains("value")) c.fail("missing field " + cat + "value");
    }
  }
}

}  // namespace

// payload.id_assigned: the engine numbered the campaign (it must name the number).
void check_id_assigned(const LogLine& l, const LineFields& p) {
  if (!l.payload.contains("id_assigned")) return;
  if (l.payload["id_assigned"] != true) p.fail("field payload.id_assigned must be true, got " + l.payload["id_assigned"].dump());
  if (l.campaign_id.empty()) p.fail("payload.id_assigned needs the campaign_id the engine assigned");
}

void check_payload(const LogLine& l, const LineFields& top) {
  const LineFields p{l.payload, top.where, "payload."};
  const std::string& t = l.type;
  if (t == "campaign:create:v1:requested") {
    p.string("owner");
    p.integer("budget");
    const LineFields r{p.object("rates"), top.where, "payload.rates."};
    for (const char* k : {"like", "retweet", "quote", "reply"}) r.integer(k);
    p.integer("duration_us");
    p.integer("claim_window_us");
    p.optional_string("text");
    check_id_assigned(l, p);
  } else if (t == "campaign:update:v1:requested") {
    if (l.campaign_id.empty()) top.string("campaign_id");
    p.optional_string("text");
    if (l.payload.contains("rates")) {
      const LineFields r{p.object("rates"), top.where, "payload.rates."};
      for (const char* k : {"like", "retweet", "quote", "reply"}) r.integer(k);
    }
    if (l.payload.contains("duration_us")) p.integer("duration_us");
    if (l.payload.contains("claim_window_us")) p.integer("claim_window_us");
  } else if (t == "campaign:publish:v1:requested" || t == "campaign:claim:v1:requested") {
    if (l.campaign_id.empty()) top.string("campaign_id");
    if (l.user_id.empty()) top.string("user_id");
  } else if (t == "customer:event:v1:requested") {
    if (l.user_id.empty()) top.string("user_id");
    p.string("type");
    p.object_or_empty("data");
  } else if (t == "rule_campaign:create:v1:requested") {
    check_rule_campaign(p, top.where);
    check_id_assigned(l, p);
  } else if (t == "customer:redrive:v1:requested") {
    p.string("event_id");
  } else if (t == "twitter:engagement:v1:observed") {
    if (l.campaign_id.empty()) top.string("campaign_id");
    if (l.user_id.empty()) top.string("user_id");
    const std::string kind = p.string("kind");
    if (!engine::engagement_kind_from(kind)) p.fail("payload.kind must be like, retweet, quote or reply, got '" + kind + "'");
    p.optional_string("tweet_id");
  } else if (t == "twitter:request:v1:failed") {
    p.integer("status", 0);
    p.optional_string("endpoint");
    p.optional_string("title");
    p.optional_string("detail");
    p.optional_string("fault");
    if (l.payload.contains("rate_limit_reset_us")) p.integer("rate_limit_reset_us", 0);
    if (l.payload.contains("call_ts_us")) p.integer("call_ts_us", 0);
    if (l.payload.contains("call_nth")) p.integer("call_nth", 1);
    if (l.payload.contains("engine")) p.integer("engine", 1);
    if (l.payload.contains("apply_effect") && !l.payload["apply_effect"].is_boolean())
      p.fail("field payload.apply_effect must be true or false");
  } else if (t == "hedera:transaction:v1:failed") {
    const std::string status = p.string("status");
    if (!ledger_status_from(status)) p.fail("payload.status: unknown Hedera status '" + status + "'");
    if (l.payload.contains("call_ts_us")) p.integer("call_ts_us", 0);
    if (l.payload.contains("call_nth")) p.integer("call_nth", 1);
    if (l.payload.contains("engine")) p.integer("engine", 1);
    p.optional_string("fault");
    if (l.payload.contains("apply_effect") && !l.payload["apply_effect"].is_boolean())
      p.fail("field payload.apply_effect must be true or false");
  } else if (t == "clsim:fault:v1:observed") {
    const std::string fault = p.string("fault");
    if (!replayed_as_fault_line(fault)) p.fail("payload.fault: '" + fault + "' is not replayed from a fault line");
    p.string("on");
    if (l.payload.contains("nth")) p.integer("nth", 1);
    if (l.payload.contains("engine")) p.integer("engine", 1);
  } else if (t == "clsim:faults:v1:changed") {
    const bool heal = l.payload.contains("heal");
    if (heal && l.payload["heal"] != true) p.fail("field payload.heal must be true, got " + l.payload["heal"].dump());
    if (heal == l.payload.contains("set")) p.fail("needs payload.set (a fault table) or payload.heal (true), not both");
    if (!heal) p.object("set");
  } else if (t == "engine:crash:v1:observed") {
    if (l.payload.contains("engine")) p.integer("engine", 1);
    if (l.payload.contains("restart_after_us")) p.integer("restart_after_us", 0);
    if (l.payload.contains("restart") && !l.payload["restart"].is_boolean())
      p.fail("field payload.restart must be true or false, got " + l.payload["restart"].dump());
    if (l.payload.contains("point")) {
      const std::string point = p.string("point");
      if (!is_crash_point(point.c_str())) p.fail("payload.point: unknown crash point '" + point + "'");
    }
  }
}

}  // namespace clsim::sim
