// RedisBus tests on the virtual-time scheduler: deliveries, fan-out across
// groups and consumers, a crashed consumer's entries claimed by another engine,
// and each bus fault counted.
#include <gtest/gtest.h>

#include <memory>

#include "mocks/redis/redis_bus.hpp"
#include "sim/runtime/scheduler.hpp"

namespace clsim::mocks {
namespace {

using engine::BusDelivery;
using engine::BusMessage;
using engine::Duration;
using engine::PublishResult;

struct BusWorld {
  explicit BusWorld(std::uint64_t seed = 7)
      : sched(seed, engine::from_us(engine::kDefaultStartUs), trace),
        rng(sim::Prng::stream(seed, "bus")),
        faults(rng, counter) {}

  std::unique_ptr<RedisBus> engine_bus(int owner) {
    clocks.push_back(std::make_unique<sim::SimClock>(sched, owner));
    return std::make_unique<RedisBus>(redis, faults, *clocks.back());
  }
  std::int64_t pel_size(const std::string& stream, const std::string& group) {
    return redis.execute({"XPENDING", stream, group}, sched.now()).elements.at(0).integer;
  }

  sim::Trace trace;
  sim::Scheduler sched;
  sim::Prng rng;
  FaultCounter counter;
  BusFaults faults;
  RedisMock redis;
  std::vector<std::unique_ptr<sim::SimClock>> clocks;
};

BusMessage msg(int i) { return BusMessage{"e-" + std::to_string(i), "campaign:close:v1:requested", "{}"}; }

TEST(RedisBus, EachGroupGetsEveryEntryAndConsumersOfAGroupShareThem) {
  BusWorld w;
  auto b1 = w.engine_bus(1), b2 = w.engine_bus(2), b3 = w.engine_bus(3);
  std::vector<std::string> got1, got2, got3;
  b1->subscribe("events", "workers", "engine-1", [&](BusDelivery d) { got1.push_back(d.message.event_id); });
  b2->subscribe("events", "workers", "engine-2", [&](BusDelivery d) { got2.push_back(d.message.event_id); });
  b3->subscribe("events", "audit", "engine-3", [&](BusDelivery d) { got3.push_back(d.message.event_id); });
  std::vector<PublishResult> results;
  for (int i = 0; i < 4; ++i) b1->publish("events", msg(i), [&](PublishResult r) { results.push_back(r); });
  w.sched.run_until_quiet(w.sched.now() + Duration(60'000'000));
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) EXPECT_TRUE(r.ok);
  EXPECT_EQ(got1, (std::vector<std::string>{"e-0", "e-2"}));
  EXPECT_EQ(got2, (std::vector<std::string>{"e-1", "e-3"}));
  EXPECT_EQ(got3, (std::vector<std::string>{"e-0", "e-1", "e-2", "e-3"}));
  EXPECT_EQ(w.pel_size("events", "workers"), 4);  // nothing acked yet
}

TEST(RedisBus, AckRemovesTheEntryFromThePel) {
  BusWorld w;
  auto b = w.engine_bus(1);
  b->subscribe("events", "g", "engine-1", [&](BusDelivery d) { b->ack(d.stream, "g", d.entry_id); });
  b->publish("events", msg(1), [](PublishResult) {});
  w.sched.run_until_quiet(w.sched.now() + Duration(1'000'000));
  EXPECT_EQ(w.pel_size("events", "g"), 0);
}

TEST(RedisBus, CrashedConsumersPendingEntriesAreClaimedByAnotherEngine) {
  BusWorld w;
  auto b1 = w.engine_bus(1);
  auto b2 = w.engine_bus(2);
  int seen1 = 0;
  b1->subscribe("events", "g", "engine-1", [&](BusDelivery) { ++seen1; });  // never acks
  b1->publish("events", msg(1), [](PublishResult) {});
  b1->publish("events", msg(2), [](PublishResult) {});
  w.sched.run_until_quiet(w.sched.now() + Duration(1'000'000));
  ASSERT_EQ(seen1, 2);
  // Engine 1 crashes: its adapter goes and its events are dropped.
  b1.reset();
  w.sched.crash_owner(1);
  EXPECT_EQ(w.redis.group_reader_count(), 0u);
  w.sched.run_until(w.sched.now() + Duration(30'000'000));
  std::vector<BusDelivery> claimed;
  b2->claim_stale("events", "g", "engine-2", Duration(10'000'000), [&](auto c) { claimed = std::move(c); });
  w.sched.run_until_quiet(w.sched.now() + Duration(1'000'000));
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].message.event_id, "e-1");
  EXPECT_EQ(claimed[0].deliveries, 2);
  EXPECT_EQ(w.pel_size("events", "g"), 2);  // still pending, now engine-2's, until acked
}

TEST(RedisBus, DuplicateFaultDeliversTheSameEntryTwiceAndIsCounted) {
  BusWorld w;
  w.faults.config.duplicate_rate = 1.0;
  auto b = w.engine_bus(1);
  std::vector<BusDelivery> got;
  b->subscribe("events", "g", "engine-1", [&](BusDelivery d) { got.push_back(d); });
  b->publish("events", msg(1), [](PublishResult) {});
  w.sched.run_until_quiet(w.sched.now() + Duration(1'000'000));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].entry_id, got[1].entry_id);
  EXPECT_EQ(got[1].deliveries, got[0].deliveries + 1);
  EXPECT_EQ(w.counter.get("bus_duplicate"), 1);
}

TEST(RedisBus, DelayFaultHoldsDeliveriesWithinTheConfiguredWindow) {
  BusWorld w;
  w.faults.config.delay_min = Duration(1'000'000);
  w.faults.config.delay_max = Duration(2'000'000);
  auto b = w.engine_bus(1);
  std::vector<engine::TimePoint> at;
  b->subscribe("events", "g", "engine-1", [&](BusDelivery) { at.push_back(w.sched.now()); });
  const auto t0 = w.sched.now();
  for (int i = 0; i < 5; ++i) b->publish("events", msg(i), [](PublishResult) {});
  w.sched.run_until_quiet(t0 + Duration(60'000'000));
  ASSERT_EQ(at.size(), 5u);
  for (std::size_t i = 0; i < at.size(); ++i) {
    EXPECT_GE(at[i] - t0, Duration(1'000'000));
    EXPECT_LE(at[i] - t0, Duration(2'001'000));
    if (i) {
      EXPECT_GT(at[i], at[i - 1]);  // reorder off: FIFO
    }
  }
  EXPECT_EQ(w.counter.get("bus_delay"), 5);
}

TEST(RedisBus, ReorderLetsLaterEntriesOvertakeAndCountsIt) {
  BusWorld w;
  w.faults.config.reorder = true;
  w.faults.config.delay_max = Duration(5'000'000);
  auto b = w.engine_bus(1);
  std::vector<std::string> order;
  b->subscribe("events", "g", "engine-1", [&](BusDelivery d) { order.push_back(d.message.event_id); });
  for (int i = 0; i < 20; ++i) b->publish("events", msg(i), [](PublishResult) {});
  w.sched.run_until_quiet(w.sched.now() + Duration(60'000'000));
  ASSERT_EQ(order.size(), 20u);
  EXPECT_FALSE(std::is_sorted(order.begin(), order.end(), [](const auto& x, const auto& y) {
    return std::stoi(x.substr(2)) < std::stoi(y.substr(2));
  }));
  EXPECT_GT(w.counter.get("bus_reorder"), 0);
}

TEST(RedisBus, PartitionFailsPublishAndLosesAcks) {
  BusWorld w;
  auto b = w.engine_bus(1);
  std::vector<BusDelivery> got;
  b->subscribe("events", "g", "engine-1", [&](BusDelivery d) { got.push_back(d); });
  b->publish("events", msg(1), [](PublishResult) {});
  w.sched.run_until_quiet(w.sched.now() + Duration(1'000'000));
  ASSERT_EQ(got.size(), 1u);

  w.faults.config.partition_rate = 1.0;
  b->ack("events", "g", got[0].entry_id);
  std::optional<PublishResult> result;
  b->publish("events", msg(2), [&](PublishResult r) { result = r; });
  w.sched.run_until_quiet(w.sched.now() + Duration(1'000'000));
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->ok);
  EXPECT_GE(w.pel_size("events", "g"), 1);  // the lost ack left the entry pending
  EXPECT_EQ(w.counter.get("bus_partition"), 2);
}

TEST(RedisBus, SameSeedGivesTheSameDeliveryScheduleAndDestroyedAdapterGetsNothing) {
  auto run = [](std::uint64_t seed) {
    BusWorld w(seed);
    w.faults.config = BusFaultConfig{0.3, Duration(0), Duration(3'000'000), true, 0.2};
    auto b1 = w.engine_bus(1), b2 = w.engine_bus(2);
    std::vector<std::string> log;
    auto record = [&](int who) {
      return [&, who](BusDelivery d) {
        log.push_back(std::to_string(who) + d.entry_id + "@" + std::to_string(engine::to_us(w.sched.now())));
      };
    };
    b1->subscribe("s", "g", "one", record(1));
    b2->subscribe("s", "g", "two", record(2));
    for (int i = 0; i < 30; ++i) b1->publish("s", msg(i), [](PublishResult) {});
    w.sched.run_until(w.sched.now() + Duration(1'000'000));
    b2.reset();  // destroyed without crash_owner: its scheduled deliveries must not run
    w.sched.run_until_quiet(w.sched.now() + Duration(60'000'000));
    log.push_back(w.counter.all().size() ? std::to_string(w.counter.get("bus_duplicate")) : "-");
    return log;
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

TEST(RedisBus, FaultTableNamesTheBadKeyAndChangesNothingOnError) {
  BusFaultConfig c;
  EXPECT_EQ(merge_bus_faults(c, {{"duplicate_rate", 0.1}, {"delay_max", 2000000}, {"reorder", true}}), "");
  EXPECT_EQ(c.delay_max, Duration(2'000'000));
  EXPECT_EQ(merge_bus_faults(c, {{"duplicate_rate", 0.9}, {"delay_min", 1.5}}),
            "faults.bus.delay_min: expected integer microseconds");
  EXPECT_EQ(c.duplicate_rate, 0.1);
  EXPECT_EQ(merge_bus_faults(c, {{"bogus", 1}}), "faults.bus: unknown key 'bogus'");
}

}  // namespace
}  // namespace clsim::mocks
