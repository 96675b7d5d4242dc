#include "engine/adapters/live/service/api.hpp"

#include "engine/adapters/live/service/web_page.hpp"

namespace clsim::live {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i <= path.size();) {
    const std::size_t j = std::min(path.find('/', i), path.size());
    if (j > i) out.push_back(url_decode(path.substr(i, j - i)));
    i = j + 1;
  }
  return out;
}

HttpResponse not_allowed(const HttpRequest& req, const char* allow) {
  auto res = error_response(req, http::status::method_not_allowed, std::string("use ") + allow);
  res.set(http::field::allow, allow);
  return res;
}

bool is_write(http::verb v) {
  return v == http::verb::post || v == http::verb::patch || v == http::verb::put || v == http::verb::delete_;
}

// Compares every byte whatever the first difference, so timing does not leak the token.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= unsigned(a[i]) ^ unsigned(i < b.size() ? b[i] : 0);
  return diff == 0;
}

}  // namespace

Api::Api(ApiContext ctx) : ctx_(std::move(ctx)) {
  ctx_.metrics.describe("clsim_http_requests_total", "counter", "HTTP requests answered, by method and status");
  ctx_.metrics.describe("clsim_commands_total", "counter", "engine commands by command and result");
}

void Api::handle(const HttpRequest& req, Respond respond) {
  const std::string method(req.method_string());
  Respond counted = [this, method, respond = std::move(respond)](HttpResponse res) {
    ctx_.metrics.add("clsim_http_requests_total", {{"method", method}, {"code", std::to_string(res.result_int())}});
    respond(std::move(res));
  };
  if (is_write(req.method()) && !authorized(req))
    return counted(error_response(req, http::status::unauthorized, "a bearer token is required (CLSIM_TOKEN)"));
  route(req, split_path(target_path(target_of(req))), counted);
}

bool Api::authorized(const HttpRequest& req) const {
  if (ctx_.token.empty()) return true;
  const std::string_view auth = to_std(req[http::field::authorization]);
  constexpr std::string_view kBearer = "Bearer ";
  return auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer &&
         same_secret(auth.substr(kBearer.size()), ctx_.token);
}

void Api::route(const HttpRequest& req, const Segments& p, const Respond& respond) {
  const auto m = req.method();
  if (p.empty()) {
    if (m != http::verb::get) return respond(not_allowed(req, "GET"));
    HttpResponse res(http::status::ok, req.version());
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.keep_alive(req.keep_alive());
    res.body() = web_page();
    return respond(std::move(res));
  }
  if (p.size() == 1 && (p[0] == "healthz" || p[0] == "readyz" || p[0] == "metrics")) {
    if (m != http::verb::get) return respond(not_allowed(req, "GET"));
    if (p[0] == "healthz") return respond(json_response(req, http::status::ok, {{"status", "ok"}}));
    if (p[0] == "readyz") return ready(req, respond);
    return metrics(req, respond);
  }
  if (p.size() >= 2 && p[0] == "v1") {
    if (p[1] == "campaigns") return route_campaigns(req, p, respond);
    if (p[1] == "rule-campaigns" || p[1] == "events" || p[1] == "dead-letters") return route_rules(req, p, respond);
    if (p[1] == "ws" && p.size() == 2)
      return respond(error_response(req, http::status::upgrade_required, "GET /v1/ws is a WebSocket"));
  }
  respond(error_response(req, http::status::not_found, "no such endpoint " + std::string(target_path(target_of(req)))));
}

// /v1/campaigns[/{id}[/publish|/claims]]
void Api::route_campaigns(const HttpRequest& req, const Segments& p, const Respond& respond) {
  const auto m = req.method();
  if (p.size() == 2) {
    if (m == http::verb::post) return create_campaign(req, respond);
    if (m == http::verb::get) return list_campaigns(req, respond);
    return respond(not_allowed(req, "GET, POST"));
  }
  const std::string& id = p[2];
  if (p.size() == 3) {
    if (m == http::verb::get) return get_campaign(req, id, respond);
    if (m == http::verb::patch) return update_campaign(req, id, respond);
    return respond(not_allowed(req, "GET, PATCH"));
  }
  if (p.size() == 4 && (p[3] == "publish" || p[3] == "claims")) {
    if (m != http::verb::post) return respond(not_allowed(req, "POST"));
    return p[3] == "publish" ? publish_campaign(req, id, respond) : claim_reward(req, id, respond);
  }
  respond(error_response(req, http::status::not_found, "no such endpoint " + std::string(target_path(target_of(req)))));
}

// /v1/rule-campaigns[/{id}[/matches]], /v1/events, /v1/dead-letters[/{id}/redrive]
void Api::route_rules(const HttpRequest& req, const Segments& p, const Respond& respond) {
  const auto m = req.method();
  if (p[1] == "events" && p.size() == 2)
    return m == http::verb::post ? take_event(req, respond) : respond(not_allowed(req, "POST"));
  if (p[1] == "dead-letters" && p.size() == 2)
    return m == http::verb::get ? list_dead_letters(req, respond) : respond(not_allowed(req, "GET"));
  if (p[1] == "dead-letters" && p.size() == 4 && p[3] == "redrive")
    return m == http::verb::post ? redrive(req, p[2], respond) : respond(not_allowed(req, "POST"));
  if (p[1] == "rule-campaigns" && p.size() == 2) {
    if (m == http::verb::post) return create_rule_campaign(req, respond);
    if (m == http::verb::get) return list_rule_campaigns(req, respond);
    return respond(not_allowed(req, "GET, POST"));
  }
  if (p[1] == "rule-campaigns" && p.size() == 3)
    return m == http::verb::get ? get_rule_campaign(req, p[2], respond) : respond(not_allowed(req, "GET"));
  if (p[1] == "rule-campaigns" && p.size() == 4 && p[3] == "matches")
    return m == http::verb::get ? list_matches(req, p[2], respond) : respond(not_allowed(req, "GET"));
  respond(error_response(req, http::status::not_found, "no such endpoint " + std::string(target_path(target_of(req)))));
}

void Api::upgrade(boost::beast::tcp_stream stream, HttpRequest req) {
  const auto p = split_path(target_path(target_of(req)));
  if (p.size() == 2 && p[0] == "v1" && p[1] == "ws" && req.method() == http::verb::get) {
    ctx_.metrics.add("clsim_http_requests_total", {{"method", "GET"}, {"code", "101"}});
    return ctx_.hub.accept(std::move(stream), std::move(req));
  }
  answer_and_close(std::move(stream), error_response(req, http::status::not_found, "no WebSocket at this path"));
}

}  // namespace clsim::live
