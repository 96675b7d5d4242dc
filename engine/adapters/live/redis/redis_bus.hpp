// RedisBus: the engine's Bus port over a real redis-server (Redis Streams with
// consumer groups), through hiredis on the service's io_context. It issues the
// commands mocks::RedisBus issues against the simulated Redis: publish = XADD,
// subscribe = a blocking XREADGROUP loop on a connection of its own, ack = XACK,
// claim_stale = XAUTOCLAIM rounds plus XPENDING for each entry's delivery count.
//
// Never throws on connect and never blocks: while Redis is unreachable it keeps
// reconnecting (reconnect_min doubling to reconnect_max) and publish completes
// with ok=false, claim_stale with nothing, ping with false, and ack is dropped (the
// entry stays pending: at-least-once). Every completion is posted to the
// io_context and runs exactly once while the RedisBus lives, none afterwards.
// hiredis writes with write(2): the process must ignore SIGPIPE, or a write to a
// server that just died ends it.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/live/redis/redis_bus_options.hpp"
#include "engine/adapters/live/redis/redis_connection.hpp"
#include "engine/adapters/live/redis/redis_endpoint.hpp"
#include "engine/adapters/live/redis/redis_subscription.hpp"
#include "engine/ports/bus.hpp"

namespace clsim::live {

class RedisBus final : public engine::Bus {
 public:
  RedisBus(boost::asio::io_context& io, RedisEndpoint endpoint, RedisBusOptions options = {});
  ~RedisBus() override;  // disconnects; no callback of this object runs afterwards
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  void publish(std::string stream, engine::BusMessage msg, std::function<void(engine::PublishResult)> done) override;
  // The XADDs pipelined on the one command connection (sent in order, answered in order).
  void publish_batch(std::string stream, std::vector<engine::BusMessage> msgs,
                     std::function<void(std::vector<engine::PublishResult>)> done) override;
  void subscribe(std::string stream, std::string group, std::string consumer,
                 std::function<void(engine::BusDelivery)> on_delivery) override;
  void ack(std::string stream, std::string group, std::string entry_id) override;
  void claim_stale(std::string stream, std::string group, std::string consumer, engine::Duration min_idle,
                   std::function<void(std::vector<engine::BusDelivery>)> done) override;
  // XGROUP CREATE answered OK: the group (and, with MKSTREAM, maybe the stream)
  // did not exist, so a Redis without persistence lost what it held.
  void on_group_created(std::function<void(std::string stream)> handler) override {
    group_created_ = std::move(handler);
  }

  bool connected() const;                        // the command connection is up
  void ping(std::function<void(bool ok)> done);  // PING within command_timeout (for /readyz)
  // run_id from INFO server at the last connect ("" unknown): a new one means a
  // different server process, which without persistence lost every stream.
  std::string server_run_id() const { return run_id_; }

 private:
  struct Claim;  // one claim_stale call in progress
  void read_run_id();
  void claim_round(std::shared_ptr<Claim> claim);
  void claim_count(std::shared_ptr<Claim> claim);
  static void claim_finish(Claim& claim);

  boost::asio::io_context& io_;
  RedisEndpoint endpoint_;
  RedisBusOptions options_;
  engine::NullHooks hooks_;
  std::string run_id_;
  std::function<void(std::string)> group_created_;
  std::vector<std::unique_ptr<RedisSubscription>> subs_;
  RedisConnection commands_;  // after what its handlers touch, so it goes first
};

}  // namespace clsim::live
