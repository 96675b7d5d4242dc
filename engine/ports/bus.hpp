// Bus port: Redis Streams with consumer groups, at-least-once. Deliveries are
// pushed (as a blocking XREADGROUP loop would see them); an entry stays pending
// until acked, and a restarted engine claims its group's stale entries. A
// message may arrive twice or late: consumers dedupe through the inbox.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/time.hpp"

namespace clsim::engine {

struct BusMessage {
  std::string event_id;  // the producer's id; the inbox dedupes on it
  std::string type;      // {service}:{action}:v1:{state}
  std::string payload;   // JSON text
};

struct BusDelivery {
  std::string stream;
  std::string entry_id;  // "<ms>-<seq>", the stream entry id
  BusMessage message;
  std::int64_t deliveries = 1;  // delivery count from the pending entries list
};

struct PublishResult {
  bool ok = true;  // false: connection dropped or partitioned; retry later
  std::string entry_id;
};

class Bus {
 public:
  virtual ~Bus() = default;
  virtual void publish(std::string stream, BusMessage msg, std::function<void(PublishResult)> done) = 0;
  // Publishes `msgs` in order (a pipeline of XADDs) and answers once: one result per
  // message, in order. Nothing after the first failure counts as published (it may
  // have been added all the same: at least once), so a caller that resends from the
  // first failure keeps the order. The default publishes one message at a time.
  virtual void publish_batch(std::string stream, std::vector<BusMessage> msgs,
                             std::function<void(std::vector<PublishResult>)> done);
  // Starts delivering the group's new entries to this consumer (XREADGROUP >).
  virtual void subscribe(std::string stream, std::string group, std::string consumer,
                         std::function<void(BusDelivery)> on_delivery) = 0;
  virtual void ack(std::string stream, std::string group, std::string entry_id) = 0;
  // XAUTOCLAIM: takes over entries pending longer than min_idle (from crashed
  // consumers, or this consumer's previous life) and returns them.
  virtual void claim_stale(std::string stream, std::string group, std::string consumer, Duration min_idle,
                           std::function<void(std::vector<BusDelivery>)> done) = 0;
  // `handler` runs (with the stream's name) each time a subscription finds its
  // consumer group missing and creates it: a new stream, or a bus that lost its
  // streams (Redis restarted without persistence), so whatever was published
  // before may be gone. Set before subscribe. A bus that never loses a stream
  // (the default) never calls it.
  virtual void on_group_created(std::function<void(std::string stream)> handler) { (void)handler; }
};

}  // namespace clsim::engine
