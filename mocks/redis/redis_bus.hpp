// RedisBus: one engine's Bus port over the world's RedisMock, as a production
// client would use Redis Streams: publish = XADD, subscribe = a blocking
// XREADGROUP loop, ack = XACK, claim_stale = XAUTOCLAIM. Round trips complete on
// this engine's Clock after a latency; faults come from the world's BusFaults.
//
// Lifetime: the RedisMock and BusFaults outlive every RedisBus. Destroying a
// RedisBus (an engine crash) removes its blocked readers from the RedisMock, so
// nothing there points at it; what it had received but not acked stays pending.
// Callbacks already scheduled on the Clock hold only a weak token and do nothing
// once the adapter is gone.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/ports/bus.hpp"
#include "engine/ports/clock.hpp"
#include "mocks/redis/bus_faults.hpp"
#include "mocks/redis/redis_mock.hpp"

namespace clsim::mocks {

class RedisBus final : public engine::Bus {
 public:
  RedisBus(RedisMock& redis, BusFaults& faults, engine::Clock& clock);
  ~RedisBus() override;
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  void publish(std::string stream, engine::BusMessage msg, std::function<void(engine::PublishResult)> done) override;
  void publish_batch(std::string stream, std::vector<engine::BusMessage> msgs,
                     std::function<void(std::vector<engine::PublishResult>)> done) override;
  void subscribe(std::string stream, std::string group, std::string consumer,
                 std::function<void(engine::BusDelivery)> on_delivery) override;
  void ack(std::string stream, std::string group, std::string entry_id) override;
  void claim_stale(std::string stream, std::string group, std::string consumer, engine::Duration min_idle,
                   std::function<void(std::vector<engine::BusDelivery>)> done) override;

  // Entry fields of a bus message, as XADD stores them.
  static Fields to_fields(const engine::BusMessage& msg);
  static engine::BusMessage from_fields(const Fields& fields);

 private:
  struct Subscription {
    std::string stream;
    std::function<void(engine::BusDelivery)> on_delivery;
    RedisMock::ReaderId reader = 0;
  };

  Reply run(const std::vector<std::string>& argv);
  engine::PublishResult xadd(const std::string& stream, const engine::BusMessage& msg);
  bool partitioned(const char* command, const std::string& stream);
  // Runs fn after one round trip, on this engine's executor, unless destroyed.
  void after(engine::Duration delay, const char* label, std::function<void()> fn);
  void on_push(std::size_t sub, const RedisMock::GroupPush& push);
  engine::Duration delivery_delay();
  void deliver_at(std::size_t sub, engine::TimePoint due, engine::BusDelivery delivery);
  std::vector<engine::BusDelivery> autoclaim(const std::string& stream, const std::string& group,
                                             const std::string& consumer, engine::Duration min_idle);

  RedisMock& redis_;
  BusFaults& faults_;
  engine::Clock& clock_;
  std::vector<Subscription> subs_;
  engine::TimePoint last_due_{};  // latest scheduled delivery: FIFO when reorder is off
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace clsim::mocks
