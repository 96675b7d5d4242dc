// The inside of MockDaemon, shared by its route files (x_routes.cpp for the X API,
// ledger_routes.cpp for the gateway and the mirror). Not for use outside mocks/wire.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "engine/adapters/asio_clock.hpp"
#include "engine/adapters/live/http/http_server.hpp"
#include "engine/core/xoshiro.hpp"
#include "mocks/fault_counter.hpp"
#include "mocks/hedera/hedera_service.hpp"
#include "mocks/twitter/twitter_service.hpp"
#include "mocks/wire/mock_daemon.hpp"

namespace clsim::mocks {

using live::HttpRequest;
using live::HttpResponse;
using live::Respond;
namespace http = live::http;

// Who a request is, by its bearer token (docs/LIVE.md): nobody, the app, or a user.
struct XAuth {
  enum class Kind { none, app, user } kind = Kind::none;
  std::string account;  // for Kind::user
};

struct MockDaemon::Impl {
  explicit Impl(MockdOptions options);

  // Declared first so it is destroyed last: pending handlers are destroyed, never run.
  boost::asio::io_context io;
  engine::AsioClock clock{io};
  std::uint64_t seed;
  engine::Xoshiro256 twitter_rng, audience_rng, hedera_rng;
  FaultCounter counter;
  TwitterService twitter;
  HederaService hedera;
  std::optional<live::HttpServer> server;  // last: no request before the services exist

  // The server's handler: routes by path and method; never throws.
  void handle(const HttpRequest& req, Respond respond);
  void route(const HttpRequest& req, const Respond& respond);
  nlohmann::json state() const;

  // X API v2 (x_routes.cpp); false when the path is not one of X's.
  bool route_x(const HttpRequest& req, const Respond& respond);
  void x_post_tweet(const HttpRequest& req, const XAuth& auth, const Respond& respond);
  void x_search(const HttpRequest& req, const Respond& respond);
  void x_lookup(const HttpRequest& req, const Respond& respond);
  void x_engagers(const HttpRequest& req, const std::string& tweet_id, engine::EngagementKind kind,
                  const Respond& respond);
  // An X answer after `latency`, with the endpoint bucket's rate-limit headers as
  // they stand now; `status` not ok answers its problem, http 0 drops the connection.
  void x_reply(const HttpRequest& req, const Respond& respond, const char* endpoint, const std::string& user,
               const engine::ApiStatus& status, nlohmann::json body, engine::Duration latency);

  // Ledger gateway and mirror (ledger_routes.cpp); false when the path is not theirs.
  bool route_ledger(const HttpRequest& req, const Respond& respond);
  void ledger_submit(const HttpRequest& req, const Respond& respond);
  void ledger_receipt(const HttpRequest& req, std::string_view id_text, const Respond& respond);
  void mirror_lookup(const HttpRequest& req, const Respond& respond);

  // POST /mock/engagements: an engagement with a stored tweet, made now
  // (engagement_route.cpp). The test harness's door, answered at once.
  HttpResponse add_engagement(const HttpRequest& req);

  // Answers after `delay` on the clock.
  void answer_after(engine::Duration delay, const Respond& respond, HttpResponse res);
  // No answer: holds the connection for `delay`, then closes it.
  void drop_after(engine::Duration delay, const Respond& respond);
};

using live::error_response;
using live::json_response;
using live::target_of;

// 405 with an Allow header.
HttpResponse method_not_allowed(const HttpRequest& req, std::string_view allow);

}  // namespace clsim::mocks
