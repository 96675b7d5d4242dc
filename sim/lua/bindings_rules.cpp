// The rule campaign part of the scenario API: rule_campaign{}, customer_event{},
// matches(r), dead_letters(), redrive(id). Invalid rule campaigns raise naming
// the rule and field; a refused customer event is `false, reason`, never an error.
#include <lua.hpp>
#include <nlohmann/json.hpp>

#include "engine/rules/rule_eval.hpp"
#include "sim/lua/binding_guard.hpp"
#include "sim/lua/campaign_args.hpp"
#include "sim/lua/scenario_context.hpp"
#include "sim/lua/table_reader.hpp"

namespace clsim::sim::lua {

namespace {

Simulation& sim_of(lua_State* L) { return context_of(L).sim(); }

// A Lua value as JSON: a table with keys 1..n is a list, else a table of string
// keys (nlohmann keeps them sorted, so the result never depends on Lua's order).
nlohmann::json to_json(lua_State* L, int index, const std::string& where, int depth = 0) {
  index = lua_absindex(L, index);
  if (depth > 16) luaL_error(L, "%s: nested too deeply", where.c_str());
  switch (lua_type(L, index)) {
    case LUA_TNIL:
      return nullptr;
    case LUA_TBOOLEAN:
      return bool(lua_toboolean(L, index));
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return std::int64_t(lua_tointeger(L, index));
      return lua_tonumber(L, index);
    case LUA_TSTRING:
      return std::string(lua_tostring(L, index));
    case LUA_TTABLE: {
      const lua_Integer n = lua_Integer(lua_rawlen(L, index));
      std::size_t count = 0;
      lua_pushnil(L);
      while (lua_next(L, index)) {
        ++count;
        lua_pop(L, 1);
      }
      if (n > 0 && lua_Integer(count) == n) {
        nlohmann::json arr = nlohmann::json::array();
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_rawgeti(L, index, i);
          arr.push_back(to_json(L, -1, where + "[" + std::to_string(i) + "]", depth + 1));
          lua_pop(L, 1);
        }
        return arr;
      }
      nlohmann::json obj = nlohmann::json::object();
      lua_pushnil(L);
      while (lua_next(L, index)) {
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "%s: keys must be strings", where.c_str());
        const std::string key = lua_tostring(L, -2);
        obj[key] = to_json(L, -1, where + "." + key, depth + 1);
        lua_pop(L, 1);
      }
      return obj;
    }
    default:
      luaL_error(L, "%s: expected a number, text, boolean or table", where.c_str());
      return nullptr;
  }
}

engine::Rule read_rule(lua_State* L, int index, const std::string& where) {
  TableReader t(L, index, where);
  t.allow_only({"event_type", "when", "reward"});
  engine::Rule rule;
  rule.event_type = t.string("event_type").value_or("");
  rule.reward = engine::Money(t.required_integer("reward"));
  if (const int when = t.push_table("when")) {
    const lua_Integer n = lua_Integer(lua_rawlen(L, when));
    for (lua_Integer k = 1; k <= n; ++k) {
      lua_rawgeti(L, when, k);
      const std::string cw = where + ".when[" + std::to_string(k) + "]";
      if (!lua_istable(L, -1)) luaL_error(L, "%s: expected {field, op, value}", cw.c_str());
      TableReader c(L, -1, cw);
      c.allow_only({"field", "op", "value"});
      engine::RuleCondition cond{c.string("field").value_or(""), c.string("op").value_or(""), nullptr};
      lua_getfield(L, -1, "value");
      cond.value = to_json(L, -1, cw + ".value");
      if (lua_istable(L, -1) && cond.value.is_object() && cond.value.empty()) cond.value = nlohmann::json::array();
      lua_pop(L, 2);
      rule.when.push_back(std::move(cond));
    }
    lua_pop(L, 1);
  }
  return rule;
}

int l_rule_campaign(lua_State* L) {
  return guarded(L, [&] {
    TableReader t(L, 1, "rule_campaign");
    t.allow_only({"id", "owner", "budget", "duration", "rules"});
    engine::RuleCampaignSpec spec;
    spec.id = t.string("id");
    spec.owner = t.string("owner").value_or("");
    spec.budget = engine::Money(t.required_integer("budget"));
    spec.duration = engine::Duration(t.required_integer("duration"));
    const int rules = t.push_table("rules");
    if (!rules) t.fail("rule_campaign.rules is required (a list of {event_type, when, reward})");
    const lua_Integer n = lua_Integer(lua_rawlen(L, rules));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, rules, i);
      const std::string where = "rule_campaign.rules[" + std::to_string(i) + "]";
      if (!lua_istable(L, -1)) luaL_error(L, "%s: expected {event_type, when, reward}", where.c_str());
      spec.rules.push_back(read_rule(L, -1, where));
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    // The engine's validation, raised here: a bad script is a bad script.
    if (auto why = engine::validate_rule_spec(spec); !why.empty()) luaL_error(L, "rule_campaign: %s", why.c_str());
    auto r = sim_of(L).create_rule_campaign(spec);
    if (!r.ok) luaL_error(L, "rule_campaign: %s", r.reason.c_str());
    push_campaign_handle(L, r.id);
    return 1;
  });
}

// The customer event table at `index` ({id, type, user, payload}); `where` names it in errors.
engine::CustomerEvent read_event(lua_State* L, int index, const std::string& where) {
  index = lua_absindex(L, index);
  TableReader t(L, index, where.c_str());
  t.allow_only({"id", "type", "user", "payload"});
  engine::CustomerEvent ev;
  ev.id = t.string("id").value_or("");
  ev.type = t.string("type").value_or("");
  ev.user = t.string("user").value_or("");
  lua_getfield(L, index, "payload");
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) luaL_error(L, "%s.payload: expected a table", where.c_str());
    ev.payload = to_json(L, -1, where + ".payload");
    if (ev.payload.is_array() && ev.payload.empty()) ev.payload = nlohmann::json::object();
  }
  lua_pop(L, 1);
  return ev;
}

int l_customer_event(lua_State* L) {
  return guarded(L, [&] {
    auto r = sim_of(L).customer_event(read_event(L, 1, "customer_event"));
    lua_pushboolean(L, r.ok);
    if (r.reason.empty()) return 1;
    lua_pushstring(L, r.reason.c_str());
    return 2;
  });
}

// customer_events{ {id, type, user, payload}, ... }: one batch, one transaction;
// returns a list of {ok, reason} in the same order.
int l_customer_events(lua_State* L) {
  return guarded(L, [&] {
    luaL_checktype(L, 1, LUA_TTABLE);
    std::vector<engine::CustomerEvent> events;
    const lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, 1, i);
      const std::string where = "customer_events[" + std::to_string(i) + "]";
      if (!lua_istable(L, -1)) luaL_error(L, "%s: expected a table", where.c_str());
      events.push_back(read_event(L, -1, where));
      lua_pop(L, 1);
    }
    const auto results = sim_of(L).customer_events(events);
    lua_createtable(L, int(results.size()), 0);
    for (std::size_t i = 0; i < results.size(); ++i) {
      lua_createtable(L, 0, 2);
      lua_pushboolean(L, results[i].ok);
      lua_setfield(L, -2, "ok");
      lua_pushstring(L, results[i].reason.c_str());
      lua_setfield(L, -2, "reason");
      lua_rawseti(L, -2, lua_Integer(i + 1));
    }
    return 1;
  });
}

void set_string(lua_State* L, const char* key, const std::string& v) {
  lua_pushstring(L, v.c_str());
  lua_setfield(L, -2, key);
}
void set_int(lua_State* L, const char* key, std::int64_t v) {
  lua_pushinteger(L, lua_Integer(v));
  lua_setfield(L, -2, key);
}

int l_matches(lua_State* L) {
  return guarded(L, [&] {
    const std::string id = campaign_id_arg(L, 1);
    const auto rows = sim_of(L).reader().rule_matches(id);
    lua_createtable(L, int(rows.size()), 0);
    int i = 0;
    for (const auto& m : rows) {
      lua_createtable(L, 0, 5);
      set_string(L, "event_id", m.event_id);
      set_string(L, "user", m.user);
      set_int(L, "reward", m.reward.minor);
      // A payment that gave up is unpaid (its reason says why); one in progress is pending.
      set_string(L, "status", m.status == "failed" ? std::string("unpaid") : m.status);
      set_string(L, "reason", m.reason);
      lua_rawseti(L, -2, ++i);
    }
    return 1;
  });
}

int l_dead_letters(lua_State* L) {
  return guarded(L, [&] {
    const auto rows = sim_of(L).reader().dead_letters();
    lua_createtable(L, int(rows.size()), 0);
    int i = 0;
    for (const auto& d : rows) {
      lua_createtable(L, 0, 4);
      set_string(L, "event_id", d.event_id);
      set_string(L, "reason", d.reason);
      set_string(L, "message", d.message);
      set_int(L, "attempts", d.attempts);
      lua_rawseti(L, -2, ++i);
    }
    return 1;
  });
}

int l_redrive(lua_State* L) {
  return guarded(L, [&] { return push_command_result(L, sim_of(L).redrive(luaL_checkstring(L, 1))); });
}

}  // namespace

void register_rules_api(lua_State* L) {
  const luaL_Reg fns[] = {{"rule_campaign", l_rule_campaign}, {"customer_event", l_customer_event},
                          {"customer_events", l_customer_events}, {"matches", l_matches},
                          {"dead_letters", l_dead_letters},   {"redrive", l_redrive},
                          {nullptr, nullptr}};
  lua_pushglobaltable(L);
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 1);
}

}  // namespace clsim::sim::lua
