#include "sim/lua/campaign_args.hpp"

#include <lua.hpp>

#include "engine/domain/validation.hpp"
#include "sim/lua/table_reader.hpp"

namespace clsim::sim::lua {

namespace {

engine::Rates read_rates(lua_State* L, int index, const std::string& where, bool all_required) {
  TableReader t(L, index, where);
  t.allow_only({"like", "retweet", "quote", "reply"});
  engine::Rates r;
  engine::Money* slots[] = {&r.like, &r.retweet, &r.quote, &r.reply};
  const char* names[] = {"like", "retweet", "quote", "reply"};
  for (int i = 0; i < 4; ++i) {
    auto v = t.integer(names[i]);
    if (!v && all_required) t.fail(t.path(names[i]) + " is required (minor units >= 0)");
    if (v && *v < 0) t.fail(t.path(names[i]) + ": expected a rate >= 0");
    if (v) *slots[i] = engine::Money(*v);
  }
  return r;
}

engine::Duration read_window(const TableReader& t, const char* key, bool required) {
  auto v = t.integer(key);
  if (!v) {
    if (required) t.fail(t.path(key) + " is required (a duration, e.g. hours(24))");
    return engine::Duration(0);
  }
  const std::string err = engine::validate_window(key, engine::Duration(*v));
  if (!err.empty()) t.fail(t.path(key) + ": " + err);
  return engine::Duration(*v);
}

}  // namespace

engine::CampaignSpec read_campaign_spec(lua_State* L, int index) {
  TableReader t(L, index, "campaign");
  t.allow_only({"id", "owner", "budget", "duration", "claim_window", "rates", "text"});
  engine::CampaignSpec spec;
  if (auto id = t.string("id")) {
    const std::string err = engine::validate_id(*id);
    if (!err.empty()) t.fail("campaign.id: " + err);
    spec.id = *id;
  }
  auto owner = t.string("owner");
  if (!owner || owner->empty()) t.fail("campaign.owner is required (an account name)");
  spec.owner = *owner;
  const auto budget = t.required_integer("budget");
  if (budget <= 0) t.fail("campaign.budget: expected a budget > 0 (minor units)");
  spec.budget = engine::Money(budget);
  spec.duration = read_window(t, "duration", true);
  spec.claim_window = read_window(t, "claim_window", true);
  const int rates = t.push_table("rates");
  if (!rates) t.fail("campaign.rates is required ({like, retweet, quote, reply})");
  spec.rates = read_rates(L, rates, "campaign.rates", true);
  lua_pop(L, 1);
  spec.text = t.string("text").value_or(engine::kDefaultCampaignText);
  const std::string err = engine::validate_text(spec.text);
  if (!err.empty()) t.fail("campaign.text: " + err);
  return spec;
}

engine::CampaignUpdate read_campaign_update(lua_State* L, int index) {
  TableReader t(L, index, "update");
  t.allow_only({"text", "rates", "duration", "claim_window"});
  engine::CampaignUpdate u;
  if (auto text = t.string("text")) {
    const std::string err = engine::validate_text(*text);
    if (!err.empty()) t.fail("update.text: " + err);
    u.text = *text;
  }
  if (int rates = t.push_table("rates")) {
    u.rates = read_rates(L, rates, "update.rates", true);
    lua_pop(L, 1);
  }
  if (t.has("duration")) u.duration = read_window(t, "duration", true);
  if (t.has("claim_window")) u.claim_window = read_window(t, "claim_window", true);
  return u;
}

std::string campaign_id_arg(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TSTRING) return lua_tostring(L, index);
  if (lua_istable(L, index)) {
    lua_getfield(L, index, "id");
    if (lua_type(L, -1) == LUA_TSTRING) {
      std::string id = lua_tostring(L, -1);
      lua_pop(L, 1);
      return id;
    }
    lua_pop(L, 1);
  }
  luaL_argerror(L, index, "expected a campaign handle or id");
  return {};
}

void push_campaign_handle(lua_State* L, const std::string& id) {
  lua_newtable(L);
  lua_pushstring(L, id.c_str());
  lua_setfield(L, -2, "id");
}

int push_command_result(lua_State* L, const engine::CommandResult& r) {
  lua_pushboolean(L, r.ok);
  if (r.ok) return 1;
  lua_pushstring(L, r.reason.c_str());
  return 2;
}

}  // namespace clsim::sim::lua
