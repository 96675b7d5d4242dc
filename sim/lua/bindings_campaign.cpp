// The campaign part of the scenario API: commands (campaign, publish, update,
// claim), queries (state, tweets, balance, rewards), crashes (crash_at, crash,
// restart), the fault plan (faults, heal) and observers (on).
#include <deque>
#include <memory>

#include <lua.hpp>

#include "sim/lua/binding_guard.hpp"
#include "sim/lua/campaign_args.hpp"
#include "sim/lua/scenario_context.hpp"
#include "sim/lua/table_reader.hpp"
#include "sim/lua/world_table.hpp"
#include "sim/world/catalogue.hpp"

namespace clsim::sim::lua {

namespace {

Simulation& sim_of(lua_State* L) { return context_of(L).sim(); }

std::string by_option(lua_State* L, int index, const std::string& fallback) {
  if (lua_isnoneornil(L, index)) return fallback;
  TableReader t(L, index, "options");
  t.allow_only({"by"});
  return t.string("by").value_or(fallback);
}

std::string owner_of(Simulation& sim, const std::string& id) {
  auto c = sim.reader().campaign(id);
  return c ? c->owner : std::string();
}

int l_campaign(lua_State* L) {
  return guarded(L, [&] {
    const engine::CampaignSpec spec = read_campaign_spec(L, 1);
    auto r = sim_of(L).create(spec);
    if (!r.ok) luaL_error(L, "campaign: %s", r.reason.c_str());
    push_campaign_handle(L, r.id);
    return 1;
  });
}

int l_publish(lua_State* L) {
  return guarded(L, [&] {
    auto& sim = sim_of(L);
    const std::string id = campaign_id_arg(L, 1);
    return push_command_result(L, sim.publish(id, by_option(L, 2, owner_of(sim, id))));
  });
}

int l_update(lua_State* L) {
  return guarded(L, [&] {
    auto& sim = sim_of(L);
    const std::string id = campaign_id_arg(L, 1);
    const engine::CampaignUpdate change = read_campaign_update(L, 2);
    return push_command_result(L, sim.update(id, change, by_option(L, 3, owner_of(sim, id))));
  });
}

int l_claim(lua_State* L) {
  return guarded(L, [&] {
    const std::string id = campaign_id_arg(L, 1);
    const std::string user = luaL_checkstring(L, 2);
    return push_command_result(L, sim_of(L).claim(id, user));
  });
}

// engage(id, user, kind): the user likes, retweets, quotes or replies to the
// campaign's first tweet now; false when there is no first tweet yet or a repeat.
int l_engage(lua_State* L) {
  return guarded(L, [&] {
    const std::string id = campaign_id_arg(L, 1);
    const std::string user = luaL_checkstring(L, 2);
    const auto kind = engine::engagement_kind_from(luaL_checkstring(L, 3));
    if (!kind) throw std::invalid_argument("engage: kind must be like, retweet, quote or reply");
    lua_pushboolean(L, sim_of(L).engage(id, user, *kind));
    return 1;
  });
}

int l_state(lua_State* L) {
  return guarded(L, [&] {
    auto c = sim_of(L).reader().campaign(campaign_id_arg(L, 1));
    if (c) lua_pushstring(L, c->state.c_str());
    else lua_pushnil(L);
    return 1;
  });
}

// The tweets the social service holds for the campaign (its markers), so a
// duplicate tweet shows here even if the engine never recorded it.
int l_tweets(lua_State* L) {
  return guarded(L, [&] {
    const std::string id = campaign_id_arg(L, 1);
    const auto found = sim_of(L).twitter().tweets_containing("[" + id + "/");
    lua_createtable(L, int(found.size()), 0);
    for (std::size_t i = 0; i < found.size(); ++i) {
      lua_pushstring(L, found[i].tweet.id.c_str());
      lua_rawseti(L, -2, lua_Integer(i + 1));
    }
    return 1;
  });
}

int l_balance(lua_State* L) {
  return guarded(L, [&] {
    lua_pushinteger(L, sim_of(L).hedera().balance(luaL_checkstring(L, 1)).minor);
    return 1;
  });
}

int l_rewards(lua_State* L) {
  return guarded(L, [&] {
    const auto list = sim_of(L).reader().rewards(campaign_id_arg(L, 1));
    lua_createtable(L, int(list.size()), 0);
    for (std::size_t i = 0; i < list.size(); ++i) {
      lua_createtable(L, 0, 3);
      lua_pushstring(L, list[i].user.c_str());
      lua_setfield(L, -2, "user");
      lua_pushinteger(L, list[i].amount.minor);
      lua_setfield(L, -2, "amount");
      lua_pushstring(L, list[i].status.c_str());
      lua_setfield(L, -2, "status");
      lua_rawseti(L, -2, lua_Integer(i + 1));
    }
    return 1;
  });
}

int check_engine_no(lua_State* L, int arg) {
  const lua_Integer n = luaL_checkinteger(L, arg);
  const int count = sim_of(L).engine_count();
  if (n < 1 || n > count) luaL_error(L, "engine %d does not exist (the world has %d)", int(n), count);
  return int(n);
}

int l_crash_at(lua_State* L) {
  return guarded(L, [&] {
    const std::string point = luaL_checkstring(L, 1);
    if (!is_crash_point(point.c_str()))
      luaL_error(L, "crash_at: unknown crash point '%s' (see clsim list crash-points)", point.c_str());
    CrashOrder order{point, 0, 1, Duration(0)};
    if (!lua_isnoneornil(L, 2)) {
      TableReader t(L, 2, "crash_at");
      t.allow_only({"engine", "times", "restart_after"});
      if (auto e = t.integer("engine")) {
        if (*e < 1 || *e > sim_of(L).engine_count()) t.fail("crash_at.engine: no such engine");
        order.engine = int(*e);
      }
      if (auto n = t.integer("times")) {
        if (*n < 1) t.fail("crash_at.times: expected >= 1");
        order.times = int(*n);
      }
      if (auto d = t.integer("restart_after")) {
        if (*d < 0) t.fail("crash_at.restart_after: expected a duration >= 0");
        order.restart_after = Duration(*d);
      }
    }
    sim_of(L).world().crash_plan().arm(order);
    return 0;
  });
}

// crash(n [, restart_after]): the optional delay restarts the engine (an extension).
int l_crash(lua_State* L) {
  return guarded(L, [&] {
    const int n = check_engine_no(L, 1);
    std::optional<Duration> restart_after;
    if (!lua_isnoneornil(L, 2)) {
      const lua_Integer us = luaL_checkinteger(L, 2);
      luaL_argcheck(L, us >= 0, 2, "restart delay must be >= 0");
      restart_after = Duration(us);
    }
    sim_of(L).crash(n, restart_after);
    return 0;
  });
}

int l_restart(lua_State* L) {
  return guarded(L, [&] {
    sim_of(L).restart(check_engine_no(L, 1));
    return 0;
  });
}

int l_faults(lua_State* L) {
  return guarded(L, [&] {
    const auto table = read_fault_table(L, 1, "faults");
    const std::string err = sim_of(L).merge_faults(nlohmann::json::parse(table.dump()));
    if (!err.empty()) luaL_error(L, "%s", err.c_str());
    return 0;
  });
}

int l_heal(lua_State* L) {
  return guarded(L, [&] {
    sim_of(L).heal();
    return 0;
  });
}

void deliver_state_event(lua_State* L, int ref, const engine::StateUpdate& u) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  lua_createtable(L, 0, 5);
  lua_pushstring(L, engine::kStateUpdateEvent);
  lua_setfield(L, -2, "type");
  lua_pushstring(L, u.campaign_id.c_str());
  lua_setfield(L, -2, "campaign_id");
  lua_pushinteger(L, u.seq);
  lua_setfield(L, -2, "seq");
  lua_pushstring(L, u.state.c_str());
  lua_setfield(L, -2, "state");
  lua_pushinteger(L, engine::to_us(u.at));
  lua_setfield(L, -2, "time_us");
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    const char* m = lua_tostring(L, -1);
    context_of(L).set_callback_error(m ? m : "error in on() callback");
    lua_pop(L, 1);
  }
}

// on(type, fn): fn gets {type, campaign_id, seq, state, time_us} for every update
// an engine publishes, in publish order, as a world event right after it (so fn
// may call commands). One FIFO per observer: simultaneous world events are
// shuffled by the seeded tie key, so one event per update could reorder them.
int l_on(lua_State* L) {
  return guarded(L, [&] {
    const std::string type = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    if (type != engine::kStateUpdateEvent)
      luaL_error(L, "on: unsupported event type '%s' (supported: %s)", type.c_str(), engine::kStateUpdateEvent);
    lua_pushvalue(L, 2);
    const int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    auto& sim = sim_of(L);
    auto queue = std::make_shared<std::deque<engine::StateUpdate>>();
    sim.add_state_listener([L, ref, &sim, queue](const engine::StateUpdate& u) {
      queue->push_back(u);
      if (queue->size() > 1) return;  // a drain is already scheduled
      sim.world().scheduler().schedule(Duration(0), 0, TimerKind::foreground, "lua:on", [L, ref, queue](auto ec) {
        while (!ec && !queue->empty()) {
          const engine::StateUpdate next = queue->front();
          deliver_state_event(L, ref, next);
          queue->pop_front();
        }
      });
    });
    return 0;
  });
}

}  // namespace

void register_campaign_api(lua_State* L) {
  const luaL_Reg fns[] = {{"campaign", l_campaign}, {"publish", l_publish},   {"update", l_update},
                          {"claim", l_claim},       {"engage", l_engage},     {"state", l_state},
                          {"tweets", l_tweets},
                          {"balance", l_balance},   {"rewards", l_rewards},   {"crash_at", l_crash_at},
                          {"crash", l_crash},       {"restart", l_restart},   {"faults", l_faults},
                          {"heal", l_heal},         {"on", l_on},             {nullptr, nullptr}};
  lua_pushglobaltable(L);
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 1);
}

}  // namespace clsim::sim::lua
