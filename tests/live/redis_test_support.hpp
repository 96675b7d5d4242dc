// Helpers for the live Redis tests: bounded runs of an io_context, a second,
// synchronous hiredis connection for looking at Redis from outside the adapter,
// and a redis-server on a loopback TCP port.
#pragma once
#include <hiredis/hiredis.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "live/child_process.hpp"

namespace clsim::live_test {

// Runs the io_context in slices until `done` holds; false when `timeout` passes first.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
// Runs the io_context for `span` whatever happens.
void run_for(boost::asio::io_context& io, std::chrono::milliseconds span);

// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
int free_tcp_port();

// A redis-server on a loopback TCP port, once it accepts connections. Another
// process may take the port before redis does, so a server that exits at once is
// tried again on a new port (three times). nullptr when none came up.
std::unique_ptr<ChildProcess> start_tcp_redis(const TempDir& dir, int& port);

// A blocking hiredis connection to a unix socket. Throws when it cannot connect.
class SyncRedis {
 public:
  explicit SyncRedis(const std::string& unix_path);
  ~SyncRedis();
  SyncRedis(const SyncRedis&) = delete;
  SyncRedis& operator=(const SyncRedis&) = delete;

  // XPENDING stream group: how many entries the group has pending (-1: error).
  long long pending(const std::string& stream, const std::string& group);
  // INFO stats' total_connections_received (-1: error).
  long long connections_received();
  // XLEN stream (-1: error).
  long long xlen(const std::string& stream);
  // The value of `field` in each entry of the stream, in stream order (XRANGE - +).
  std::vector<std::string> field_values(const std::string& stream, const std::string& field);

 private:
  redisContext* c_;
};

}  // namespace clsim::live_test
