#include "sim/swarm/plan_lua.hpp"

#include <algorithm>
#include <cstdio>

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += char(c);
    else if (c == '\n') out += "\\n";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", unsigned(c));
      out += buf;
    } else out += char(c);
  }
  return out + "\"";
}

// The name PlanPart gives a fault key: a _min/_max pair goes as one.
std::string key_group(const std::string& key) {
  if (ends_with(key, "_min") || ends_with(key, "_max")) return key.substr(0, key.size() - 4);
  return key;
}

class Writer {
 public:
  explicit Writer(const PlanScenario& s) : s_(s), plan_(*s.plan) {}

  std::string render(const PlanPart& keep) {
    out_ = s_.header;
    line("scenario { name = " + quoted("shrunk random seed " + plan_.at("seed").dump()) +
         ", seed = " + plan_.at("seed").dump() + ", max_time = " + lua_duration(s_.max_time.count()) + " }");
    line("");
    world(keep);
    schedule(keep);
    for (std::size_t i : keep.crash_points) crash_point(plan_.at("crash_points").at(i));
    line("");
    line("local t0 = now()");
    line("local function at(offset) if t0 + offset > now() then run_for(t0 + offset - now()) end end");
    line("-- As in the random run: a create the engine refuses leaves its campaign out.");
    line("local function try(create, spec) local ok, handle = pcall(create, spec) if ok then return handle end end");
    line("local function claim_every(c, every)");
    line("  for i, r in ipairs(rewards(c)) do if i % every == 0 then claim(c, r.user) end end");
    line("end");
    line("");
    for (std::size_t i : keep.actions) action(plan_.at("actions").at(i));
    return out_;
  }

 private:
  void line(const std::string& l) { out_ += l + "\n"; }

  void world(const PlanPart& keep) {
    json w = plan_.at("world");
    json faults = json::object();
    for (auto svc = plan_.at("faults").begin(); svc != plan_.at("faults").end(); ++svc)
      for (auto k = svc.value().begin(); k != svc.value().end(); ++k) {
        const std::string name = svc.key() + "." + key_group(k.key());
        if (std::find(keep.fault_keys.begin(), keep.fault_keys.end(), name) != keep.fault_keys.end())
          faults[svc.key()][k.key()] = k.value();
      }
    line("world {");
    for (auto it = w.begin(); it != w.end(); ++it) line("  " + it.key() + " = " + lua_literal(it.value()) + ",");
    if (!faults.empty()) {
      if (!keep.scheduled.empty() || s_.schedule)
        line("  -- Under fault_schedule the rates only keep the random streams of the original run.");
      line("  faults = " + lua_literal(faults) + ",");
    }
    line("}");
  }

  void schedule(const PlanPart& keep) {
    if (!s_.schedule) return;
    line("");
    line("-- Every fault that fires, by time since the start and the call it hits; nothing else fires.");
    line("fault_schedule {");
    for (std::size_t i : keep.scheduled) {
      const auto& e = s_.schedule->at(i);
      line("  { at = " + lua_duration((e.at - engine::TimePoint{}).count()) + ", fault = " + quoted(e.fault) +
           ", on = " + quoted(e.on) + (e.nth != 1 ? ", nth = " + std::to_string(e.nth) : std::string()) + " },");
    }
    line("}");
  }

  void crash_point(const json& p) {
    std::string opts = "times = " + p.at("times").dump() +
                       ", restart_after = " + lua_duration(p.at("restart_after_us").get<std::int64_t>());
    if (p.at("engine").get<int>() > 0) opts = "engine = " + p.at("engine").dump() + ", " + opts;
    line("crash_at(" + quoted(p.at("point").get<std::string>()) + ", { " + opts + " })");
  }

  void action(const json& a) {
    const std::string op = a.at("op").get<std::string>();
    const std::string when = "at(" + lua_duration(a.at("at_us").get<std::int64_t>()) + ") ";
    if (op == "heal") return line(when + "heal()");
    if (op == "crash")
      return line(when + "crash(" + a.at("engine").dump() + ", " +
                  lua_duration(a.at("restart_after_us").get<std::int64_t>()) + ")");
    if (op == "rule_campaign") {
      json spec = {{"owner", a.at("owner")}, {"budget", a.at("budget")}, {"duration", a.at("duration_us")},
                   {"rules", a.at("rules")}};
      return line(when + "try(rule_campaign, " + lua_literal(spec, {"duration"}) + ")");
    }
    if (op == "customer_event") {
      json ev = {{"id", a.at("id")}, {"type", a.at("type")}, {"user", a.at("user")}, {"payload", a.at("payload")}};
      return line(when + "customer_event " + lua_literal(ev));
    }
    const std::string c = "c" + a.at("campaign").dump();
    if (op == "create") {
      json spec = {{"owner", a.at("owner")},        {"budget", a.at("budget")},
                   {"duration", a.at("duration_us")}, {"claim_window", a.at("claim_window_us")},
                   {"rates", a.at("rates")},          {"text", a.at("text")}};
      return line(when + "local " + c + " = try(campaign, " + lua_literal(spec, {"duration", "claim_window"}) + ")");
    }
    std::string call;
    const std::string by = "{ by = " + quoted(a.value("by", "")) + " }";
    if (op == "publish") call = "publish(" + c + ", " + by + ")";
    else if (op == "claim") call = "claim(" + c + ", " + quoted(a.at("user").get<std::string>()) + ")";
    else if (op == "claim_rewards") call = "claim_every(" + c + ", " + a.at("every").dump() + ")";
    else if (op == "update") {
      json change = json::object();
      if (a.contains("rates")) change["rates"] = a["rates"];
      if (a.contains("text")) change["text"] = a["text"];
      call = "update(" + c + ", " + lua_literal(change) + ", " + by + ")";
    } else {
      call = "error(" + quoted("unknown plan op " + op) + ")";
    }
    line(when + "if " + c + " then " + call + " end");
  }

  const PlanScenario& s_;
  const json& plan_;
  std::string out_;
};

}  // namespace

std::vector<std::string> plan_fault_keys(const nlohmann::ordered_json& plan) {
  std::vector<std::string> keys;
  for (auto svc = plan.at("faults").begin(); svc != plan.at("faults").end(); ++svc)
    for (auto k = svc.value().begin(); k != svc.value().end(); ++k) {
      const std::string name = svc.key() + "." + key_group(k.key());
      if (std::find(keys.begin(), keys.end(), name) == keys.end()) keys.push_back(name);
    }
  return keys;
}

std::string plan_to_lua(const PlanScenario& s, const PlanPart& keep) { return Writer(s).render(keep); }

std::string lua_literal(const nlohmann::ordered_json& v, const std::vector<std::string>& duration_keys) {
  if (v.is_string()) return quoted(v.get<std::string>());
  if (v.is_array()) {
    std::string out = "{ ";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + lua_literal(v[i], duration_keys);
    return v.empty() ? "{}" : out + " }";
  }
  if (v.is_object()) {
    if (v.empty()) return "{}";
    std::string out = "{ ";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += first ? "" : ", ";
      first = false;
      const bool duration = it.value().is_number_integer() &&
                            std::find(duration_keys.begin(), duration_keys.end(), it.key()) != duration_keys.end();
      out += (is_identifier(it.key()) ? it.key() : "[" + quoted(it.key()) + "]") + " = " +
             (duration ? lua_duration(it.value().get<std::int64_t>()) : lua_literal(it.value(), duration_keys));
    }
    return out + " }";
  }
  if (v.is_null()) return "nil";
  return v.dump();  // numbers (shortest round-trip form) and booleans
}

std::string lua_duration(std::int64_t us) {
  static const std::pair<std::int64_t, const char*> kUnits[] = {
      {86'400'000'000, "days"}, {3'600'000'000, "hours"}, {60'000'000, "minutes"}, {1'000'000, "seconds"}, {1'000, "ms"}};
  if (us <= 0) return std::to_string(us);
  // The largest unit first, the rest added: "hours(25) + ms(261) + 589".
  for (const auto& [unit, name] : kUnits)
    if (us >= unit) {
      const std::string head = std::string(name) + "(" + std::to_string(us / unit) + ")";
      return us % unit == 0 ? head : head + " + " + lua_duration(us % unit);
    }
  return std::to_string(us);
}

}  // namespace clsim::sim
