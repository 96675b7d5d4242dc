// A small Redis Streams stand-in for engine tests: one stream, one group, in-order
// delivery to the subscribed consumer, a pending list until ack, stale-entry
// claiming, and knobs to duplicate a delivery or fail a publish.
#pragma once
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "engine/ports/bus.hpp"
#include "engine/ports/clock.hpp"

namespace clsim::engine::testing {

class FakeBus final : public Bus {
 public:
  explicit FakeBus(Clock& engine_clock) : clock_(engine_clock) {}

  Duration latency = Duration(10'000);
  int fail_next_publishes = 0;
  int duplicate_next_deliveries = 0;  // each such delivery arrives twice
  bool hold = false;                  // entries wait in the stream, undelivered

  void publish(std::string stream, BusMessage msg, std::function<void(PublishResult)> done) override {
    PublishResult r;
    if (fail_next_publishes > 0) {
      --fail_next_publishes;
      r.ok = false;
    } else {
      r.entry_id = std::to_string(entries.size() + 1) + "-0";
      entries.push_back(BusDelivery{stream, r.entry_id, msg, 1});
      published_types.push_back(msg.type);
    }
    clock_.start_wait(latency, TimerKind::foreground, "fake_bus_publish_reply",
                      [done = std::move(done), r](boost::system::error_code ec) {
                        if (!ec) done(r);
                      });
    deliver_new();
  }

  // A pipeline: one reply for the batch; a failing publish fails the rest too.
  void publish_batch(std::string stream, std::vector<BusMessage> msgs,
                     std::function<void(std::vector<PublishResult>)> done) override {
    ++batches;
    std::vector<PublishResult> rs;
    for (auto& msg : msgs) {
      PublishResult r;
      if (fail_next_publishes > 0 || (!rs.empty() && !rs.back().ok)) {
        if (fail_next_publishes > 0) --fail_next_publishes;
        r.ok = false;
      } else {
        r.entry_id = std::to_string(entries.size() + 1) + "-0";
        entries.push_back(BusDelivery{stream, r.entry_id, msg, 1});
        published_types.push_back(msg.type);
      }
      rs.push_back(r);
    }
    clock_.start_wait(latency, TimerKind::foreground, "fake_bus_publish_reply",
                      [done = std::move(done), rs](boost::system::error_code ec) {
                        if (!ec) done(rs);
                      });
    deliver_new();
  }

  void subscribe(std::string, std::string, std::string consumer, std::function<void(BusDelivery)> fn) override {
    consumer_ = consumer;
    on_delivery_ = std::move(fn);
    deliver_new();
  }

  void ack(std::string, std::string, std::string entry_id) override {
    ++acks;
    pending_.erase(std::stoul(entry_id));
  }

  void claim_stale(std::string, std::string, std::string consumer, Duration min_idle,
                   std::function<void(std::vector<BusDelivery>)> done) override {
    std::vector<BusDelivery> out;
    for (auto& [id, p] : pending_) {
      if (clock_.now() - p.since < min_idle) continue;
      p.consumer = consumer;
      p.since = clock_.now();
      p.count += 1;
      BusDelivery d = entries[id - 1];
      d.deliveries = p.count;
      out.push_back(d);
    }
    clock_.start_wait(latency, TimerKind::foreground, "fake_bus_claim_reply",
                      [done = std::move(done), out](boost::system::error_code ec) {
                        if (!ec) done(out);
                      });
  }

  void on_group_created(std::function<void(std::string)> handler) override { group_created_ = std::move(handler); }

  // Redis restarted empty: every entry and the group are gone; the reader creates
  // the group again and says so, as live::RedisBus does.
  // Entry numbers stay unique (late acks of lost entries match nothing).
  void lose_streams() {
    lost += entries.size() - next_ + pending_.size();
    next_ = entries.size();
    pending_.clear();
    if (group_created_) group_created_("campaign-events");
  }

  // The consumer's connection dropped (its engine crashed).
  void drop_consumer() { on_delivery_ = nullptr; }
  // Delivers entry `entry_id` again, as a redelivery would.
  void redeliver(const std::string& entry_id) { send(entries[std::stoul(entry_id) - 1]); }

  std::size_t pending() const { return pending_.size(); }
  int count_type(const std::string& type) const {
    int n = 0;
    for (const auto& t : published_types) n += t == type;
    return n;
  }

  std::vector<BusDelivery> entries;
  std::vector<std::string> published_types;
  std::size_t lost = 0;  // undelivered or pending entries lose_streams dropped
  int acks = 0;
  int batches = 0;  // publish_batch calls

 private:
  struct Pending {
    std::string consumer;
    TimePoint since;
    std::int64_t count = 1;
  };

  void deliver_new() {
    if (!on_delivery_ || hold) return;
    while (next_ < entries.size()) {
      const BusDelivery& d = entries[next_++];
      pending_[std::stoul(d.entry_id)] = Pending{consumer_, clock_.now(), 1};
      send(d);
      if (duplicate_next_deliveries > 0) {
        --duplicate_next_deliveries;
        send(d);
      }
    }
  }

  void send(BusDelivery d) {
    clock_.start_wait(latency, TimerKind::foreground, "fake_bus_deliver",
                      [this, d](boost::system::error_code ec) {
                        if (!ec && on_delivery_) on_delivery_(d);
                      });
  }

  Clock& clock_;
  std::string consumer_;
  std::function<void(BusDelivery)> on_delivery_;
  std::function<void(std::string)> group_created_;
  std::size_t next_ = 0;
  std::map<std::size_t, Pending> pending_;  // by entry number, so in stream order
};

}  // namespace clsim::engine::testing
