#include "engine/adapters/live/http/http_server.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace clsim::live {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

// A client that opens a connection and says nothing holds a session; this
// bounds how long.
constexpr auto kReadTimeout = std::chrono::seconds(30);

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}
  void start() { read_header(); }

 private:
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);
  void answer(HttpResponse res, bool close_after);
  void refuse(http::status status, std::string_view message);

  beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::State> state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool answered_ = false;
};

}  // namespace

struct HttpServer::State {
  State(asio::io_context& io, HttpServer::Handler h, HttpServer::UpgradeHandler u, HttpServerOptions o)
      : acceptor(io), handler(std::move(h)), upgrade(std::move(u)), options(std::move(o)) {}
  tcp::acceptor acceptor;
  HttpServer::Handler handler;
  HttpServer::UpgradeHandler upgrade;
  HttpServerOptions options;
  bool stopped = false;
};

namespace {

void accept_next(const std::shared_ptr<HttpServer::State>& state) {
  if (state->stopped) return;
  state->acceptor.async_accept([state](beast::error_code ec, tcp::socket socket) {
    if (state->stopped) return;
    if (!ec) std::make_shared<Session>(std::move(socket), state)->start();
    accept_next(state);  // a failed accept (EMFILE, a reset) does not stop the server
  });
}

void Session::read_header() {
  parser_.emplace();
  parser_->body_limit(state_->options.body_limit);
  answered_ = false;
  stream_.expires_after(kReadTimeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(beast::error_code ec) {
  if (ec == http::error::body_limit) return refuse(http::status::payload_too_large, "request body over the limit");
  if (ec) return;  // closed, timed out or garbage: nothing to answer
  const auto& req = parser_->get();
  if (req.payload_size() && *req.payload_size() > state_->options.body_limit)
    return refuse(http::status::payload_too_large, "request body over the limit");
  if (beast::iequals(req[http::field::expect], "100-continue")) {
    // curl waits a second for this before it sends a body on its own.
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
    return http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
      if (!wec) self->read_body();
    });
  }
  read_body();
}

void Session::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void Session::on_body(beast::error_code ec) {
  if (ec == http::error::body_limit) return refuse(http::status::payload_too_large, "request body over the limit");
  if (ec) return;
  stream_.expires_never();
  HttpRequest req = parser_->release();
  if (beast::websocket::is_upgrade(req) && state_->upgrade) {
    state_->upgrade(std::move(stream_), std::move(req));
    return;
  }
  auto self = shared_from_this();
  auto shared_req = std::make_shared<HttpRequest>(std::move(req));
  state_->handler(*shared_req, [self, shared_req](HttpResponse res) {
    self->answer(std::move(res), !shared_req->keep_alive());
  });
}

void Session::answer(HttpResponse res, bool close_after) {
  if (answered_) return;
  answered_ = true;
  res.set(http::field::server, state_->options.server_name);
  if (close_after) res.keep_alive(false);
  res.prepare_payload();
  auto shared = std::make_shared<HttpResponse>(std::move(res));
  http::async_write(stream_, *shared, [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
    if (ec || !shared->keep_alive()) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    self->read_header();
  });
}

// Answers and closes: what is left of the request is not read.
void Session::refuse(http::status status, std::string_view message) {
  HttpRequest req = parser_ ? parser_->get() : HttpRequest{};
  req.body().clear();
  req.keep_alive(false);
  answer(error_response(req, status, message), true);
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, const std::string& host, std::uint16_t port, Handler handler,
                       UpgradeHandler upgrade, HttpServerOptions options)
    : state_(std::make_shared<State>(io, std::move(handler), std::move(upgrade), std::move(options))) {
  const tcp::endpoint endpoint(asio::ip::make_address(host), port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(4096);
  port_ = acceptor.local_endpoint().port();
  accept_next(state_);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
}

std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  unsigned port = 0;
  const auto digits = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) return std::nullopt;
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  beast::error_code bad;
  asio::ip::make_address(host, bad);
  if (bad) return std::nullopt;
  return std::pair{host, std::uint16_t(port)};
}

bool write_port_file(const std::string& path, std::uint16_t port) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

HttpResponse json_response(const HttpRequest& req, http::status status, const nlohmann::json& body,
                           std::string_view content_type) {
  HttpResponse res(status, req.version() ? req.version() : 11);
  res.set(http::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
  res.keep_alive(req.keep_alive());
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

HttpResponse error_response(const HttpRequest& req, http::status status, std::string_view message,
                            std::string_view field) {
  nlohmann::json body = {{"error", message}};
  if (!field.empty()) body["field"] = field;
  return json_response(req, status, body);
}

void answer_and_close(beast::tcp_stream stream, HttpResponse res) {
  auto s = std::make_shared<beast::tcp_stream>(std::move(stream));
  auto r = std::make_shared<HttpResponse>(std::move(res));
  r->keep_alive(false);
  r->prepare_payload();
  http::async_write(*s, *r, [s, r](beast::error_code, std::size_t) {
    beast::error_code ignored;
    s->socket().shutdown(tcp::socket::shutdown_send, ignored);
  });
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return std::nullopt;
}

}  // namespace clsim::live
