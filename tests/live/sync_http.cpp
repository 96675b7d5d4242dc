#include "live/sync_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace clsim::live_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

nlohmann::json SyncResponse::json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::string SyncResponse::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

SyncResponse http_call(const std::string& host, int port, const SyncRequest& req, std::chrono::milliseconds deadline) {
  SyncResponse out;
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> r(http::string_to_verb(req.method), req.target, 11);
  r.set(http::field::host, host + ":" + std::to_string(port));
  for (const auto& [k, v] : req.headers) r.set(k, v);
  r.body() = req.body;
  r.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::error_code ec;
  stream.expires_after(deadline);
  stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), std::uint16_t(port)),
                       [&](beast::error_code e) {
                         if (e) {
                           ec = e;
                           return;
                         }
                         http::async_write(stream, r, [&](beast::error_code we, std::size_t) {
                           if (we) {
                             ec = we;
                             return;
                           }
                           http::async_read(stream, buffer, parser, [&](beast::error_code re, std::size_t) { ec = re; });
                         });
                       });
  io.run();
  if (ec) {
    out.error = ec.message();
    return out;
  }
  const auto& res = parser.get();
  out.status = int(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = res.body();
  return out;
}

}  // namespace clsim::live_test
