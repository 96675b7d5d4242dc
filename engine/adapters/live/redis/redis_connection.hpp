// One Redis connection through hiredis 0.14.1 on an io_context, keeping itself
// connected: it connects (a unix socket, or TCP after an Asio resolve, since
// hiredis would call getaddrinfo on our thread), and after a failed connect or a
// lost connection retries with a doubling backoff. Commands are argv vectors with
// a per-command deadline. hiredis has no timeouts and cannot forget one callback,
// so a command past its deadline drops the whole connection: every command in
// flight on it fails, and the reconnect follows.
//
// Every completion is posted to the io_context (never run inside the call that
// started it, nor inside hiredis) and runs exactly once while this object lives;
// none runs after its destructor. Single-threaded, like the io_context.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/adapters/live/metrics.hpp"
#include "engine/adapters/live/redis/redis_endpoint.hpp"
#include "engine/adapters/live/redis/redis_reply.hpp"
#include "engine/core/time.hpp"
#include "engine/ports/hooks.hpp"

struct redisAsyncContext;  // hiredis/async.h stays out of this header

namespace clsim::live {

struct RedisConnectionOptions {
  std::string name = "commands";  // which connection a log line is about
  engine::Duration connect_timeout = engine::Duration(5'000'000);
  engine::Duration reconnect_min = engine::Duration(100'000);  // doubling after each failure
  engine::Duration reconnect_max = engine::Duration(5'000'000);
  Metrics* metrics = nullptr;  // each command's latency as kOutsideCall, when set
};

class RedisConnection {
 public:
  using ReplyHandler = std::function<void(RedisReply)>;

  RedisConnection(boost::asio::io_context& io, RedisEndpoint endpoint, RedisConnectionOptions options);
  ~RedisConnection();  // frees the hiredis context; no handler runs afterwards
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Starts connecting, once. `on_up` runs (posted) after every successful
  // connect, before any reply on it; `on_down` after every loss of an up
  // connection, once the commands in flight on it have failed.
  void start(std::function<void()> on_up = {}, std::function<void(const std::string& reason)> on_down = {});
  bool connected() const;
  // Runs argv (argv[0] is the command, upper case). `done` gets the reply, or
  // no_reply when not connected, the connection is lost, or `timeout` passes
  // (which drops the connection).
  void command(std::vector<std::string> argv, engine::Duration timeout, ReplyHandler done);
  // Drops the current connection as if it were lost; the reconnect follows.
  void drop(const std::string& reason);

 private:
  struct Session;  // one hiredis context over a stream_descriptor (in the .cpp)
  enum class State { idle, waiting, resolving, connecting, up };
  struct Pending {
    ReplyHandler done;
    std::unique_ptr<boost::asio::steady_timer> deadline;
    std::chrono::steady_clock::time_point started;
    std::string call;  // argv[0], for metrics and the timeout reason
  };

  void connect();
  void connect_resolved(const std::string& ip);
  void open_session(redisAsyncContext* ac);
  void arm_connect_deadline();
  void lost(const std::string& reason);
  void finish(std::uint64_t id, RedisReply reply);
  void fail_now(ReplyHandler done, std::string reason);
  void timed_out(std::uint64_t id);

  // Called from inside hiredis (through Session): they only record and post.
  void session_up(std::uint64_t number);
  void session_ended(std::uint64_t number, std::string reason);
  void reply_arrived(std::uint64_t id, RedisReply reply);

  boost::asio::io_context& io_;
  RedisEndpoint endpoint_;
  RedisConnectionOptions options_;
  engine::NullHooks hooks_;
  std::function<void()> on_up_;
  std::function<void(const std::string&)> on_down_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer retry_timer_;     // the backoff before the next connect
  boost::asio::steady_timer connect_timer_;   // the deadline of a connect in progress
  State state_ = State::idle;
  std::shared_ptr<Session> session_;
  std::uint64_t sessions_ = 0;
  engine::Duration backoff_;
  bool down_logged_ = false;  // the failure to connect was logged since the last connect
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 1;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // posted handlers hold it weakly
};

}  // namespace clsim::live
