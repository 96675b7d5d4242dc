// A WebSocket client for the live tests, on its own io_context: connect to
// ws://127.0.0.1:PORT/TARGET, read text frames with a deadline, see how the
// server closed. It can also stop reading, to play a client that fell behind.
#pragma once
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace clsim::live_test {

class WsTestClient {
 public:
  // Throws std::runtime_error when the connection or handshake fails.
  WsTestClient(int port, const std::string& target, std::chrono::milliseconds deadline = std::chrono::seconds(10));
  ~WsTestClient();
  WsTestClient(const WsTestClient&) = delete;
  WsTestClient& operator=(const WsTestClient&) = delete;

  // The next text frame, waiting at most `timeout`; nullopt on timeout or once closed.
  std::optional<std::string> read(std::chrono::milliseconds timeout);
  // Sends one text frame (blocking, bounded by `timeout`); false when it failed.
  bool send(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool closed() const;
  int close_code() const;  // the code the server's close frame carried (0: none seen)
  std::string error() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace clsim::live_test
