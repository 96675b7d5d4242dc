#include "engine/adapters/live/redis/redis_subscription.hpp"

#include <cstdio>
#include <utility>

#include <boost/asio/post.hpp>

namespace clsim::live {

namespace {

RedisConnectionOptions connection_options(const RedisBusOptions& options, const std::string& stream,
                                          const std::string& group) {
  RedisConnectionOptions out;
  out.name = "subscriber " + stream + "/" + group;
  out.connect_timeout = options.command_timeout;
  out.reconnect_min = options.reconnect_min;
  out.reconnect_max = options.reconnect_max;
  out.metrics = options.metrics;
  return out;
}

}  // namespace

RedisSubscription::RedisSubscription(boost::asio::io_context& io, const RedisEndpoint& endpoint,
                                     const RedisBusOptions& options, std::string stream, std::string group,
                                     std::string consumer, std::function<void(engine::BusDelivery)> on_delivery,
                                     std::function<void(std::string)> on_created)
    : io_(io),
      options_(options),
      stream_(std::move(stream)),
      group_(std::move(group)),
      consumer_(std::move(consumer)),
      on_delivery_(std::move(on_delivery)),
      on_created_(std::move(on_created)),
      retry_timer_(io),
      conn_(io, endpoint, connection_options(options, stream_, group_)) {
  // Each connect starts a new epoch: create the group (Redis may have restarted
  // empty), then read. The previous epoch's reads failed with the connection.
  conn_.start([this] { create_group(++epoch_); });
}

void RedisSubscription::create_group(std::uint64_t epoch) {
  conn_.command({"XGROUP", "CREATE", stream_, group_, "0", "MKSTREAM"}, options_.command_timeout,
                [this, epoch](RedisReply r) {
                  if (epoch != epoch_ || !r.answered()) return;  // a reconnect starts over
                  if (r.type == RedisReply::Type::error && !r.is_error("BUSYGROUP"))
                    return retry_later(epoch, "XGROUP CREATE", r);
                  if (r.type == RedisReply::Type::status && on_created_) {
                    std::weak_ptr<int> alive = alive_;
                    boost::asio::post(io_, [this, alive] {
                      if (!alive.expired() && on_created_) on_created_(stream_);
                    });
                  }
                  read(epoch);
                });
}

void RedisSubscription::read(std::uint64_t epoch) {
  const std::string block_ms = std::to_string(options_.block.count() / 1000);
  // The server holds the reply for up to `block`: the deadline is past that.
  conn_.command({"XREADGROUP", "GROUP", group_, consumer_, "COUNT", std::to_string(options_.read_count), "BLOCK",
                 block_ms, "STREAMS", stream_, ">"},
                options_.block + options_.command_timeout,
                [this, epoch](RedisReply r) { on_read(epoch, r); });
}

void RedisSubscription::on_read(std::uint64_t epoch, const RedisReply& reply) {
  if (epoch != epoch_ || !reply.answered()) return;  // lost: the reconnect starts a new epoch
  if (reply.is_error("NOGROUP")) return create_group(epoch);  // Redis restarted without our group
  if (reply.type == RedisReply::Type::error) return retry_later(epoch, "XREADGROUP", reply);
  last_error_.clear();
  // nil: BLOCK passed with nothing new. Otherwise [[stream, [entry, ...]]].
  if (reply.type == RedisReply::Type::array) {
    for (const RedisReply& per_stream : reply.elements) {
      if (per_stream.elements.size() != 2) continue;
      for (const RedisReply& entry : per_stream.elements[1].elements) {
        auto delivery = parse_stream_entry(stream_, entry);
        if (!delivery) continue;
        // One post per entry: FIFO on the io_context keeps stream order, and a
        // handler that destroys the bus stops the rest.
        std::weak_ptr<int> alive = alive_;
        boost::asio::post(io_, [this, alive, d = std::move(*delivery)]() mutable {
          if (!alive.expired()) on_delivery_(std::move(d));
        });
      }
    }
  }
  read(epoch);
}

void RedisSubscription::retry_later(std::uint64_t epoch, const char* what, const RedisReply& reply) {
  if (reply.str != last_error_) {
    std::fprintf(stderr, "redis: %s on %s/%s failed (%s), retrying in %lld ms\n", what, stream_.c_str(),
                 group_.c_str(), reply.str.c_str(), static_cast<long long>(options_.reconnect_max.count() / 1000));
    last_error_ = reply.str;
  }
  retry_timer_.expires_after(options_.reconnect_max);
  std::weak_ptr<int> alive = alive_;
  retry_timer_.async_wait([this, alive, epoch](boost::system::error_code ec) {
    if (!ec && !alive.expired() && epoch == epoch_) create_group(epoch);
  });
}

}  // namespace clsim::live
