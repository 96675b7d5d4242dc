// MockDaemon: building the world of mocks on real time, routing requests, mockd's
// own endpoints (/healthz, /mock/state, /mock/engagements) and delayed or dropped
// answers.
#include "mocks/wire/mock_daemon.hpp"

#include <boost/asio/post.hpp>

#include "mocks/wire/daemon_impl.hpp"
#include "mocks/wire/wire_json.hpp"

namespace clsim::mocks {

namespace {

constexpr engine::Duration kAudienceMeanDelay = engine::Duration(2'000'000);
constexpr engine::Duration kAudienceHorizon = engine::Duration(10'000'000);

engine::Xoshiro256 stream(std::uint64_t seed, std::string_view name) {
  return engine::Xoshiro256(seed ^ wire::fnv1a64(name));
}

}  // namespace

TwitterConfig mockd_twitter_config() {
  TwitterConfig c;
  c.audience.users = 100;
  c.audience.engage_probability = 0.3;
  c.audience.mean_delay = kAudienceMeanDelay;
  c.audience.horizon = kAudienceHorizon;
  return c;
}

HttpResponse method_not_allowed(const HttpRequest& req, std::string_view allow) {
  auto res = error_response(req, http::status::method_not_allowed,
                          "method " + std::string(req.method_string()) + " not allowed (allowed: " +
                              std::string(allow) + ")");
  res.set(http::field::allow, boost::beast::string_view(allow.data(), allow.size()));
  return res;
}

MockDaemon::Impl::Impl(MockdOptions options)
    : seed(options.seed),
      twitter_rng(stream(options.seed, "twitter.faults")),
      audience_rng(stream(options.seed, "twitter.audience")),
      hedera_rng(stream(options.seed, "hedera")),
      twitter(std::move(options.twitter), clock, twitter_rng, audience_rng, counter),
      hedera(std::move(options.hedera), clock, hedera_rng, counter) {
  server.emplace(io, options.host, options.port,
                 [this](const HttpRequest& req, Respond respond) { handle(req, std::move(respond)); });
}

void MockDaemon::Impl::handle(const HttpRequest& req, Respond respond) {
  try {
    route(req, respond);
  } catch (const std::exception& e) {
    // A bug in a route must not take the daemon down; the session answers once at most.
    respond(error_response(req, http::status::internal_server_error, std::string("internal error: ") + e.what()));
  }
}

void MockDaemon::Impl::route(const HttpRequest& req, const Respond& respond) {
  const std::string_view path = live::target_path(target_of(req));
  if (path == "/healthz" || path == "/mock/state") {
    if (req.method() != http::verb::get) return respond(method_not_allowed(req, "GET"));
    if (path == "/healthz") return respond(json_response(req, http::status::ok, {{"status", "ok"}}));
    return respond(json_response(req, http::status::ok, state()));
  }
  if (path == "/mock/engagements") {
    if (req.method() != http::verb::post) return respond(method_not_allowed(req, "POST"));
    return respond(add_engagement(req));
  }
  if (route_x(req, respond) || route_ledger(req, respond)) return;
  respond(error_response(req, http::status::not_found, "no such path: " + std::string(path)));
}

nlohmann::json MockDaemon::Impl::state() const {
  nlohmann::json tweets = nlohmann::json::array();
  for (const auto& r : twitter.tweets()) {
    const auto& t = r.tweet;
    tweets.push_back({{"id", t.id},
                      {"text", t.text},
                      {"author", t.author},
                      {"in_reply_to", t.in_reply_to ? nlohmann::json(*t.in_reply_to) : nlohmann::json()}});
  }
  nlohmann::json balances = nlohmann::json::object();
  for (const auto& [account, amount] : hedera.accounts().balances()) balances[account] = amount.minor;
  nlohmann::json faults = nlohmann::json::object();
  for (const auto& [key, n] : counter.all()) faults[key] = n;
  return {{"tweets", std::move(tweets)},
          {"balances", std::move(balances)},
          {"minted", hedera.total_minted().minor},
          {"in_flight", hedera.in_flight()},
          {"faults", std::move(faults)}};
}

void MockDaemon::Impl::answer_after(engine::Duration delay, const Respond& respond, HttpResponse res) {
  clock.start_wait(delay, engine::TimerKind::foreground, "mockd:answer",
                   [respond, res = std::move(res)](boost::system::error_code ec) {
                     if (!ec) respond(res);
                   });
}

void MockDaemon::Impl::drop_after(engine::Duration delay, const Respond& respond) {
  // The Respond holds the connection: letting it go unanswered closes it.
  clock.start_wait(delay, engine::TimerKind::foreground, "mockd:drop",
                   [held = respond](boost::system::error_code) mutable { held = nullptr; });
}

MockDaemon::MockDaemon(MockdOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

MockDaemon::~MockDaemon() = default;

std::uint16_t MockDaemon::port() const { return impl_->server->port(); }
std::uint64_t MockDaemon::seed() const { return impl_->seed; }
boost::asio::io_context& MockDaemon::io() { return impl_->io; }

void MockDaemon::run() { impl_->io.run(); }

void MockDaemon::stop() {
  boost::asio::post(impl_->io, [impl = impl_.get()] {
    impl->server->stop();
    impl->io.stop();
  });
}

nlohmann::json MockDaemon::state() const { return impl_->state(); }
const TwitterService& MockDaemon::twitter() const { return impl_->twitter; }
const HederaService& MockDaemon::hedera() const { return impl_->hedera; }

}  // namespace clsim::mocks
