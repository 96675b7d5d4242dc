// One Bus subscription over Redis: a connection of its own (a blocking XREADGROUP
// holds it for up to `block`), the consumer group created before the first read
// and after every reconnect (from 0 with MKSTREAM: entries published before anyone
// subscribed are still delivered; BUSYGROUP is fine), then a loop of
// XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS s > handing each entry to
// on_delivery, posted, in stream order. A NOGROUP answer (Redis restarted empty)
// creates the group again. A group the server created (OK rather than BUSYGROUP)
// is reported through on_created, posted: the stream is new or Redis lost it.
// Owned by RedisBus; nothing runs after its destructor.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/adapters/live/redis/redis_bus_options.hpp"
#include "engine/adapters/live/redis/redis_connection.hpp"
#include "engine/ports/bus.hpp"

namespace clsim::live {

class RedisSubscription {
 public:
  RedisSubscription(boost::asio::io_context& io, const RedisEndpoint& endpoint, const RedisBusOptions& options,
                    std::string stream, std::string group, std::string consumer,
                    std::function<void(engine::BusDelivery)> on_delivery,
                    std::function<void(std::string)> on_created = {});
  RedisSubscription(const RedisSubscription&) = delete;
  RedisSubscription& operator=(const RedisSubscription&) = delete;

 private:
  // `epoch` counts connects: a reply from an earlier connection is stale.
  void create_group(std::uint64_t epoch);
  void read(std::uint64_t epoch);
  void on_read(std::uint64_t epoch, const RedisReply& reply);
  // An error answer the loop does not expect (WRONGTYPE, ...): log it once and
  // try the group again after reconnect_max, rather than spin.
  void retry_later(std::uint64_t epoch, const char* what, const RedisReply& reply);

  boost::asio::io_context& io_;
  RedisBusOptions options_;
  std::string stream_, group_, consumer_;
  std::function<void(engine::BusDelivery)> on_delivery_;
  std::function<void(std::string)> on_created_;
  boost::asio::steady_timer retry_timer_;
  std::uint64_t epoch_ = 0;
  std::string last_error_;  // the last error logged, so a repeating one logs once
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  RedisConnection conn_;  // last: destroyed first, so none of its handlers runs afterwards
};

}  // namespace clsim::live
