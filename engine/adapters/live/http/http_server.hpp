// A small HTTP/1.1 server on Boost.Beast for the live service and the mock
// daemon: one listening port, keep-alive sessions, a body limit answered with 413,
// `Expect: 100-continue` answered at once, and WebSocket upgrades handed to the
// owner with the request that asked for them. Handlers run on the io_context's
// thread and answer through a callback, so an answer may come later (mockd's
// latency, a request waiting on the engine).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "engine/adapters/live/http/url.hpp"

namespace clsim::live {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;
using Respond = std::function<void(HttpResponse)>;

struct HttpServerOptions {
  std::size_t body_limit = 64 * 1024;
  std::string server_name = "clsim";
};

// "HOST:PORT" with a numeric port (0: any free port). nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text);

// Writes the port as a decimal line to `path` through a temporary file and a
// rename, so a reader never sees a half-written number. False on failure.
bool write_port_file(const std::string& path, std::uint16_t port);

// A JSON answer with the request's version and keep-alive.
HttpResponse json_response(const HttpRequest& req, http::status status, const nlohmann::json& body,
                           std::string_view content_type = "application/json");
// {"error": message[, "field": field]}
HttpResponse error_response(const HttpRequest& req, http::status status, std::string_view message,
                            std::string_view field = {});

// Writes `res` on a stream taken from the server (an upgrade request that is
// refused) and closes it.
void answer_and_close(boost::beast::tcp_stream stream, HttpResponse res);

// Beast 1.74 answers with boost's string_view; the project speaks std's.
inline std::string_view to_std(boost::beast::string_view s) { return {s.data(), s.size()}; }
inline std::string_view target_of(const HttpRequest& req) { return to_std(req.target()); }

// The path of a target without its query, and one query parameter (URL-decoded).
std::string_view target_path(std::string_view target);
std::optional<std::string> query_param(std::string_view target, std::string_view name);

class HttpServer {
 public:
  using Handler = std::function<void(const HttpRequest&, Respond)>;
  // Takes over a request that asks for a WebSocket upgrade, with its stream.
  using UpgradeHandler = std::function<void(boost::beast::tcp_stream, HttpRequest)>;

  // Binds and listens at once; throws boost::system::system_error when it cannot.
  HttpServer(boost::asio::io_context& io, const std::string& host, std::uint16_t port, Handler handler,
             UpgradeHandler upgrade = {}, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  // Stops accepting; open sessions end after their current exchange.
  void stop();

  struct State;  // shared with sessions, which may outlive a stopped server

 private:
  std::shared_ptr<State> state_;
  std::uint16_t port_ = 0;
};

}  // namespace clsim::live
