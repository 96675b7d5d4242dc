// The live side's processes: redis-server (a unix socket, no persistence), `clsim
// mockd` (the audience off, the workload's seed) and `clsim serve` (the workload's
// engine timing, a capture), each a child of this binary in its own process group
// that dies with it, on free loopback ports found through port files, and stopped
// by pid when the object goes. Every file they write goes into one directory.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/differential/child_process.hpp"

namespace clsim::differential {

// The stack did not come up (exit 3): what failed and the logs' tails.
struct StackError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// SIGINT or SIGTERM arrived while waiting.
struct Interrupted {};

struct StackOptions {
  std::uint64_t seed = 1;
  nlohmann::json timing = nlohmann::json::object();  // serve --timing KEY=US for each key
  std::string token;  // serve's CLSIM_TOKEN
  std::string binary;  // the clsim binary for mockd and serve; "" = this process's own
};

class LiveProcesses {
 public:
  // Starts all three and waits (bounded) for serve's /readyz; throws StackError or
  // Interrupted (whatever was started is stopped again).
  LiveProcesses(const TempDir& dir, const StackOptions& options);
  ~LiveProcesses();  // stop()
  LiveProcesses(const LiveProcesses&) = delete;
  LiveProcesses& operator=(const LiveProcesses&) = delete;

  int serve_port() const { return serve_port_; }
  int mockd_port() const { return mockd_port_; }
  std::string redis_socket() const { return redis_->socket_path(); }
  std::string capture_path() const { return dir_.file("capture.jsonl"); }
  // The last `lines` lines of each process's log, headed by the log's path.
  std::string log_tails(std::size_t lines) const;
  // Throws StackError with the logs' tails when one of the three has exited.
  void check_running();
  // serve, then mockd, then redis-server, each by its pid; idempotent.
  void stop();

 private:
  void start_mockd(const StackOptions& options);
  void start_serve(const StackOptions& options);
  void wait_ready(const StackOptions& options);

  const TempDir& dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ChildProcess> mockd_, serve_;
  int mockd_port_ = 0, serve_port_ = 0;
};

}  // namespace clsim::differential
