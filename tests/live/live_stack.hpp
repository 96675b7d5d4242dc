// The whole live stack for a test: redis-server on a unix socket, clsim mockd and
// clsim serve on free loopback ports (port 0 + port files), all in one temporary
// directory, each process stopped by its pid when the stack goes.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/child_process.hpp"
#include "live/sync_http.hpp"

namespace clsim::live_test {

struct LiveStackOptions {
  int audience = 20;
  double engage_probability = 0.5;
  std::string poll_interval_s = "1";
  std::string token = "test-token";
  std::vector<std::string> serve_extra;  // more serve flags
  std::string mockd_faults;              // a faults file's Lua text for mockd ("" = none)
  bool redis_aof = false;                // appendonly yes, appendfsync always: a restart keeps the streams
};

class LiveStack {
 public:
  // Starts everything and waits (bounded) for serve's /readyz; throws
  // std::runtime_error with the processes' logs when something does not come up.
  explicit LiveStack(LiveStackOptions options = {});
  ~LiveStack();

  int serve_port() const { return serve_port_; }
  int mockd_port() const { return mockd_port_; }
  const TempDir& dir() const { return dir_; }
  std::string capture_path() const { return dir_.file("capture.jsonl"); }
  ChildProcess& serve() { return *serve_; }
  std::string redis_socket() const { return redis_->socket_path(); }
  // kill -9 of redis-server; serve keeps running and reconnects with backoff.
  void kill_redis();
  // A new redis-server on the same socket and directory: with redis_aof it reads
  // back what the killed one logged, without it it starts empty.
  void restart_redis();
  // (Re)starts serve on the same database, capture and Redis (kill -9 of the one
  // running first) and waits, bounded, for /readyz; throws as the constructor does.
  void start_serve();

  // Writes with the bearer token.
  SyncResponse post(const std::string& target, const nlohmann::json& body);
  SyncResponse patch(const std::string& target, const nlohmann::json& body);
  SyncResponse get(const std::string& target) { return http_get(serve_port_, target); }
  nlohmann::json mock_state() { return http_get(mockd_port_, "/mock/state").json(); }
  // GET target every 100 ms until pred(json) holds or `timeout` passes.
  nlohmann::json poll_until(const std::string& target, const std::function<bool(const nlohmann::json&)>& pred,
                            std::chrono::milliseconds timeout);
  std::string logs() const;  // every process's log, for failure messages

 private:
  LiveStackOptions options_;
  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ChildProcess> mockd_, serve_;
  int mockd_port_ = 0, serve_port_ = 0;
};

}  // namespace clsim::live_test
