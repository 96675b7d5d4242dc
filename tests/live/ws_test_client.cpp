#include "live/ws_test_client.hpp"

#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

namespace clsim::live_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WsTestClient::State {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  std::deque<std::string> frames;
  bool reading = false, closed = false;
  std::string error;

  void read_next() {
    if (reading || closed) return;
    reading = true;
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      reading = false;
      if (ec) {
        closed = true;
        error = ec.message();
        return;
      }
      frames.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    });
  }
};

WsTestClient::WsTestClient(int port, const std::string& target, std::chrono::milliseconds deadline)
    : s_(std::make_unique<State>()) {
  beast::error_code ec;
  auto& lowest = beast::get_lowest_layer(s_->ws);
  lowest.expires_after(deadline);
  bool done = false;
  lowest.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), std::uint16_t(port)),
                       [&](beast::error_code e) {
                         if (e) {
                           ec = e;
                           done = true;
                           return;
                         }
                         s_->ws.async_handshake("127.0.0.1:" + std::to_string(port), target, [&](beast::error_code h) {
                           ec = h;
                           done = true;
                         });
                       });
  s_->io.run_for(deadline);
  if (!done || ec) throw std::runtime_error("websocket connect " + target + ": " + (done ? ec.message() : "timeout"));
  lowest.expires_never();
  s_->io.restart();
}

WsTestClient::~WsTestClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(s_->ws).socket().close(ignored);
  s_->io.restart();
  s_->io.run_for(std::chrono::milliseconds(50));
}

std::optional<std::string> WsTestClient::read(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (s_->frames.empty() && !s_->closed && std::chrono::steady_clock::now() < until) {
    s_->read_next();
    s_->io.restart();
    s_->io.run_until(until);
    if (!s_->frames.empty()) break;
  }
  if (s_->frames.empty()) return std::nullopt;
  std::string f = std::move(s_->frames.front());
  s_->frames.pop_front();
  return f;
}

bool WsTestClient::send(const std::string& text, std::chrono::milliseconds timeout) {
  bool done = false;
  beast::error_code ec;
  s_->ws.text(true);
  s_->ws.async_write(asio::buffer(text), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < until) {
    s_->io.restart();
    s_->io.run_one_until(until);
  }
  return done && !ec;
}

bool WsTestClient::closed() const { return s_->closed; }
int WsTestClient::close_code() const { return s_->ws.reason().code; }
std::string WsTestClient::error() const { return s_->error; }

}  // namespace clsim::live_test
