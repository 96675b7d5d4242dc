// The live service's HTTP API (docs/CONTRACTS.md, "clsim serve"): routes requests
// to the engine's commands and the store's read side, answers JSON with the status
// a client can act on, counts requests for /metrics, and hands /v1/ws upgrades to
// the WebSocket hub. Writes need the bearer token when one is set. A command the
// store could not take (busy, I/O) is retried a few times with backoff before the
// answer is 503; nothing is half written either way.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/live/http/http_server.hpp"
#include "engine/adapters/live/metrics.hpp"
#include "engine/adapters/live/service/api_json.hpp"
#include "engine/adapters/live/service/ws_hub.hpp"
#include "engine/engine.hpp"
#include "engine/queries.hpp"

namespace clsim::live {

struct ApiContext {
  boost::asio::io_context& io;
  engine::Engine& engine;
  engine::StoreReader& reader;
  Metrics& metrics;
  WsHub& hub;
  std::string token;  // CLSIM_TOKEN; "" = writes need no auth
  // Answers with what is down ("store", "redis", "recovery"); empty = ready.
  std::function<void(std::function<void(std::vector<std::string>)>)> readiness;
  // Gauges read at scrape time (outbox backlog, timer lag, ...).
  std::function<void()> refresh_gauges;
};

struct QueuedEvent {
  engine::CustomerEvent event;
  HttpRequest req;
  Respond respond;
};

class Api {
 public:
  explicit Api(ApiContext ctx);
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  void handle(const HttpRequest& req, Respond respond);            // HttpServer::Handler
  void upgrade(boost::beast::tcp_stream stream, HttpRequest req);  // HttpServer::UpgradeHandler

 private:
  using Segments = std::vector<std::string>;
  using Call = std::function<engine::CommandResult()>;
  using Done = std::function<void(const engine::CommandResult&)>;

  void route(const HttpRequest& req, const Segments& path, const Respond& respond);
  void route_campaigns(const HttpRequest& req, const Segments& path, const Respond& respond);
  void route_rules(const HttpRequest& req, const Segments& path, const Respond& respond);
  bool authorized(const HttpRequest& req) const;

  // Commands (api_commands.cpp).
  void create_campaign(const HttpRequest& req, const Respond& respond);
  void update_campaign(const HttpRequest& req, const std::string& id, const Respond& respond);
  void publish_campaign(const HttpRequest& req, const std::string& id, const Respond& respond);
  void claim_reward(const HttpRequest& req, const std::string& id, const Respond& respond);
  void create_rule_campaign(const HttpRequest& req, const Respond& respond);
  void take_event(const HttpRequest& req, const Respond& respond);
  // Events posted before the queued flush runs share one transaction (group commit).
  void flush_events(std::vector<QueuedEvent> batch, int attempt);
  void redrive(const HttpRequest& req, const std::string& event_id, const Respond& respond);
  // Runs `call`, retrying a store refusal with backoff; counts it; then `done`.
  void command(const char* name, Call call, Done done, int attempt = 0);
  void refused(const HttpRequest& req, const engine::CommandResult& r, const Respond& respond);
  std::optional<std::string> owner_of(const HttpRequest& req, const std::string& id, const Respond& respond);

  // Reads (api_reads.cpp).
  void get_campaign(const HttpRequest& req, const std::string& id, const Respond& respond);
  void list_campaigns(const HttpRequest& req, const Respond& respond);
  void list_rule_campaigns(const HttpRequest& req, const Respond& respond);
  void get_rule_campaign(const HttpRequest& req, const std::string& id, const Respond& respond);
  void list_matches(const HttpRequest& req, const std::string& id, const Respond& respond);
  void list_dead_letters(const HttpRequest& req, const Respond& respond);
  void ready(const HttpRequest& req, const Respond& respond);
  void metrics(const HttpRequest& req, const Respond& respond);
  // 503 when the store could not be read; true when it answered.
  bool store_answered(const HttpRequest& req, const Respond& respond);

  ApiContext ctx_;
  std::vector<QueuedEvent> queued_events_;
};

}  // namespace clsim::live
