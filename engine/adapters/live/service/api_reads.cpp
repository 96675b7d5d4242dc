// The API's read side: views from the store (its own connection, so reads never
// wait for the engine), readiness and the Prometheus exposition.
#include "engine/adapters/live/service/api.hpp"

namespace clsim::live {

bool Api::store_answered(const HttpRequest& req, const Respond& respond) {
  if (ctx_.reader.last_error().empty()) return true;
  auto res = error_response(req, http::status::service_unavailable, "store: " + ctx_.reader.last_error());
  res.set(http::field::retry_after, "1");
  respond(std::move(res));
  return false;
}

void Api::get_campaign(const HttpRequest& req, const std::string& id, const Respond& respond) {
  auto c = ctx_.reader.campaign(id);
  if (!store_answered(req, respond)) return;
  if (!c) return respond(error_response(req, http::status::not_found, "unknown campaign " + id));
  auto tweets = ctx_.reader.tweets(id);
  auto rewards = ctx_.reader.rewards(id);
  if (!store_answered(req, respond)) return;
  respond(json_response(req, http::status::ok, campaign_view(*c, tweets, rewards)));
}

void Api::list_campaigns(const HttpRequest& req, const Respond& respond) {
  auto all = ctx_.reader.campaigns();
  if (!store_answered(req, respond)) return;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : all)
    list.push_back({{"id", c.id}, {"state", c.state}, {"owner", c.owner}, {"budget", c.budget.minor}});
  respond(json_response(req, http::status::ok, {{"campaigns", std::move(list)}}));
}

void Api::list_rule_campaigns(const HttpRequest& req, const Respond& respond) {
  auto all = ctx_.reader.rule_campaigns();
  if (!store_answered(req, respond)) return;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : all) list.push_back(rule_campaign_view(r));
  respond(json_response(req, http::status::ok, {{"rule_campaigns", std::move(list)}}));
}

void Api::get_rule_campaign(const HttpRequest& req, const std::string& id, const Respond& respond) {
  auto all = ctx_.reader.rule_campaigns();
  if (!store_answered(req, respond)) return;
  for (const auto& r : all)
    if (r.id == id) return respond(json_response(req, http::status::ok, rule_campaign_view(r)));
  respond(error_response(req, http::status::not_found, "unknown rule campaign " + id));
}

void Api::list_matches(const HttpRequest& req, const std::string& id, const Respond& respond) {
  auto campaigns = ctx_.reader.rule_campaigns();
  if (!store_answered(req, respond)) return;
  bool known = false;
  for (const auto& r : campaigns) known = known || r.id == id;
  if (!known) return respond(error_response(req, http::status::not_found, "unknown rule campaign " + id));
  auto matches = ctx_.reader.rule_matches(id);
  if (!store_answered(req, respond)) return;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& m : matches) list.push_back(match_view(m));
  respond(json_response(req, http::status::ok, {{"matches", std::move(list)}}));
}

void Api::list_dead_letters(const HttpRequest& req, const Respond& respond) {
  auto all = ctx_.reader.dead_letters();
  if (!store_answered(req, respond)) return;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : all) list.push_back(dead_letter_view(d));
  respond(json_response(req, http::status::ok, {{"dead_letters", std::move(list)}}));
}

void Api::ready(const HttpRequest& req, const Respond& respond) {
  ctx_.readiness([req, respond](std::vector<std::string> down) {
    if (down.empty()) return respond(json_response(req, http::status::ok, {{"status", "ready"}}));
    std::string names;
    for (const auto& d : down) names += (names.empty() ? "" : ", ") + d;
    respond(json_response(req, http::status::service_unavailable,
                          {{"status", "unavailable"}, {"down", down}, {"error", "not ready: " + names}}));
  });
}

void Api::metrics(const HttpRequest& req, const Respond& respond) {
  if (ctx_.refresh_gauges) ctx_.refresh_gauges();
  HttpResponse res(http::status::ok, req.version());
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.keep_alive(req.keep_alive());
  res.body() = ctx_.metrics.text();
  respond(std::move(res));
}

}  // namespace clsim::live
