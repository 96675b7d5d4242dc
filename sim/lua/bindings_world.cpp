// world{}: engines, audience, starting balances and the fault plan. Every key is
// checked; the effective table is recorded in the report.
#include <lua.hpp>

#include "engine/options_json.hpp"
#include "sim/lua/binding_guard.hpp"
#include "sim/lua/scenario_context.hpp"
#include "sim/lua/table_reader.hpp"
#include "sim/lua/world_table.hpp"

namespace clsim::sim::lua {

namespace {

nlohmann::ordered_json read_audience(lua_State* L, int index) {
  TableReader t(L, index, "world.audience");
  t.allow_only({"users", "engage_probability", "mean_delay", "weights"});
  nlohmann::ordered_json a = nlohmann::ordered_json::object();
  if (auto v = t.integer("users")) {
    if (*v < 0 || *v > 1000000) t.fail("world.audience.users: expected 0..1000000");
    a["users"] = *v;
  }
  if (auto v = t.number("engage_probability")) {
    if (!(*v >= 0.0 && *v <= 1.0)) t.fail("world.audience.engage_probability: expected a probability in [0, 1]");
    a["engage_probability"] = *v;
  }
  if (auto v = t.integer("mean_delay")) {
    if (*v <= 0) t.fail("world.audience.mean_delay: expected a duration > 0");
    a["mean_delay_us"] = *v;
  }
  if (int w = t.push_table("weights")) {
    TableReader wt(L, w, "world.audience.weights");
    wt.allow_only({"like", "retweet", "quote", "reply"});
    auto& weights = a["weights"] = nlohmann::ordered_json::object();
    for (const char* k : {"like", "retweet", "quote", "reply"})
      if (auto v = wt.integer(k)) {
        if (*v < 0) wt.fail(wt.path(k) + ": expected a weight >= 0");
        weights[k] = *v;
      }
    lua_pop(L, 1);
  }
  return a;
}

// world.engine: the engine's timing options, durations in microseconds, under the
// names engine::timing_json writes with "_us" dropped.
nlohmann::ordered_json read_engine(lua_State* L, int index) {
  TableReader t(L, index, "world.engine");
  std::vector<std::string> names;
  for (const auto& key : engine::timing_keys()) names.push_back(key.substr(0, key.size() - 3));
  t.allow_only(names);
  nlohmann::ordered_json e = nlohmann::ordered_json::object();
  for (const auto& name : names)
    if (auto v = t.integer(name.c_str())) e[name + "_us"] = *v;
  engine::EngineOptions probe;
  if (auto err = engine::apply_timing(probe, e); !err.empty()) t.fail("world." + err);
  return e;
}

nlohmann::ordered_json read_accounts(lua_State* L, int index) {
  TableReader t(L, index, "world.accounts");
  nlohmann::ordered_json accounts = nlohmann::ordered_json::object();
  for (const auto& name : t.keys()) {
    const auto v = t.integer(name.c_str());
    if (*v < 0) t.fail(t.path(name.c_str()) + ": expected a balance >= 0 (minor units)");
    accounts[name] = *v;
  }
  return accounts;
}

int l_world(lua_State* L) {
  return guarded(L, [&] {
    auto& ctx = context_of(L);
    if (ctx.world_exists()) luaL_error(L, "world{} must come before the first action");
    TableReader t(L, 1, "world");
    t.allow_only({"engines", "audience", "accounts", "faults", "clients", "engine"});
    nlohmann::ordered_json w = nlohmann::ordered_json::object();
    if (auto n = t.integer("clients")) {
      if (*n < 0 || *n > 10000) t.fail("world.clients: expected 0..10000 dashboard clients");
      w["clients"] = *n;
    }
    if (auto n = t.integer("engines")) {
      if (*n < 1 || *n > 16) t.fail("world.engines: expected 1..16");
      w["engines"] = *n;
    }
    if (int a = t.push_table("audience")) {
      w["audience"] = read_audience(L, a);
      lua_pop(L, 1);
    }
    if (int a = t.push_table("accounts")) {
      w["accounts"] = read_accounts(L, a);
      lua_pop(L, 1);
    }
    if (int e = t.push_table("engine")) {
      w["engine"] = read_engine(L, e);
      lua_pop(L, 1);
    }
    if (int f = t.push_table("faults")) {
      w["faults"] = read_fault_table(L, f, "world.faults");
      lua_pop(L, 1);
    }
    ctx.declare_world(std::move(w));
    return 0;
  });
}

}  // namespace

void register_world_api(lua_State* L) {
  lua_register(L, "world", l_world);
  register_schedule_api(L);
}

}  // namespace clsim::sim::lua
