// WebSocketHub tests: dashboard clients on the world clock converge to the hub's
// latest state through disconnects, gaps and slow reads; queues stay bounded;
// reconnect backoff is full jitter, deterministic per seed.
#include <gtest/gtest.h>

#include "mocks/websocket/websocket_hub.hpp"
#include "sim/runtime/scheduler.hpp"

namespace clsim::mocks {
namespace {

using engine::Duration;
using engine::StateUpdate;

// A stand-in engine: numbers updates per campaign and answers updates_since.
struct WsWorld {
  explicit WsWorld(std::uint64_t seed = 3, WebSocketOptions options = {})
      : sched(seed, engine::from_us(engine::kDefaultStartUs), trace),
        clock(sched, 0),
        rng(sim::Prng::stream(seed, "websocket")),
        hub(clock, rng, counter, options) {
    hub.set_resync([this](const std::string& id, std::int64_t after) {
      std::vector<StateUpdate> out;
      if (engine_down) return out;
      if (failing_reads > 0) {  // the store read failed: the reader answers empty
        --failing_reads;
        return out;
      }
      for (const auto& u : history[id])
        if (u.seq > after) out.push_back(u);
      return out;
    });
  }
  StateUpdate next(const std::string& id) {
    auto& h = history[id];
    StateUpdate u{id, std::int64_t(h.size()) + 1, "S" + std::to_string(h.size() + 1), {}, sched.now()};
    h.push_back(u);
    return u;
  }
  void publish(const std::string& id) { hub.publish(next(id)); }
  bool run_quiet() { return sched.run_until_quiet(sched.now() + Duration(3'600'000'000LL)); }

  sim::Trace trace;
  sim::Scheduler sched;
  sim::SimClock clock;
  sim::Prng rng;
  FaultCounter counter;
  WebSocketHub hub;
  std::map<std::string, std::vector<StateUpdate>> history;
  bool engine_down = false;
  int failing_reads = 0;
};

TEST(WebSocketHub, ANumberSentAgainWithAnotherStateIsAConflict_ARepeatIsNot) {
  WsWorld w;
  const StateUpdate first = w.next("c-1");
  w.hub.publish(first);
  w.hub.publish(first);  // a re-send after a crash
  EXPECT_TRUE(w.hub.seq_conflicts().empty());
  StateUpdate other = first;
  other.state = "FAILED";
  w.hub.publish(other);
  ASSERT_EQ(w.hub.seq_conflicts().size(), 1u);
  EXPECT_EQ(w.hub.seq_conflicts()[0], "c-1 seq 1 was sent as S1 and as FAILED");
  EXPECT_EQ(w.hub.sent_states().at({"c-1", 1}), "S1");
}

TEST(WebSocketHub, ClientsResyncAfterDisconnectsAndConvergeToLatestState) {
  WsWorld w;
  w.hub.faults.disconnect_rate = 0.2;
  for (int i = 0; i < 4; ++i) {
    auto id = w.hub.add_client();
    w.hub.subscribe(id, "c-1");
    if (i % 2) w.hub.subscribe(id, "c-2");
  }
  for (int step = 0; step < 60; ++step) {
    w.publish(step % 3 ? "c-1" : "c-2");
    w.sched.run_until(w.sched.now() + Duration(1'000 * (step % 5)));
  }
  w.hub.faults.disconnect_rate = 0.0;  // heal
  ASSERT_TRUE(w.run_quiet());
  EXPECT_GT(w.counter.get("websocket_disconnect"), 0);
  EXPECT_TRUE(w.hub.lagging_views().empty()) << w.hub.lagging_views().front();
  for (std::size_t id = 0; id < w.hub.client_count(); ++id) {
    EXPECT_TRUE(w.hub.connected(id));
    EXPECT_EQ(w.hub.view(id).at("c-1").state, w.hub.latest().at("c-1").state);
  }
  std::int64_t disconnects = 0;
  for (std::size_t id = 0; id < w.hub.client_count(); ++id) disconnects += w.hub.stats(id).disconnects;
  EXPECT_EQ(disconnects, w.counter.get("websocket_disconnect"));
}

TEST(WebSocketHub, SeqGapTriggersResyncFromTheEngine) {
  WsWorld w;
  auto id = w.hub.add_client();
  w.hub.subscribe(id, "c-1");
  w.publish("c-1");
  w.next("c-1");  // seq 2 never reaches the hub (e.g. the publishing engine crashed)
  w.publish("c-1");
  ASSERT_TRUE(w.run_quiet());
  EXPECT_EQ(w.hub.stats(id).gaps, 1);
  EXPECT_EQ(w.hub.view(id).at("c-1").seq, 3);
  EXPECT_EQ(w.hub.view(id).at("c-1").state, "S3");
}

TEST(WebSocketHub, SlowClientsQueueIsBoundedAndOverflowDisconnectsIt) {
  WebSocketOptions options;
  options.queue_max = 8;
  WsWorld w(3, options);
  w.hub.faults.slow_clients = 1;
  auto slow = w.hub.add_client(), fast = w.hub.add_client();
  w.hub.subscribe(slow, "c-1");
  w.hub.subscribe(fast, "c-1");
  for (int i = 0; i < 100; ++i) {
    w.publish("c-1");
    ASSERT_LE(w.hub.queue_depth(slow), options.queue_max);
    w.sched.run_until(w.sched.now() + Duration(5'000));
  }
  EXPECT_GE(w.counter.get("websocket_slow_drop"), 1);
  EXPECT_EQ(w.hub.stats(slow).last_close, CloseCode::policy_violation);
  EXPECT_EQ(w.hub.stats(fast).slow_drops, 0);
  EXPECT_EQ(w.hub.stats(fast).deliveries, 100);
  EXPECT_LE(w.hub.stats(slow).queue_peak, options.queue_max);
  ASSERT_TRUE(w.run_quiet());
  EXPECT_TRUE(w.hub.lagging_views().empty());
}

// Times at which a client, cut off at t0, is connected again; reconnects fail often.
std::vector<std::int64_t> reconnect_times(std::uint64_t seed) {
  WsWorld w(seed);
  std::vector<std::int64_t> out;
  auto id = w.hub.add_client();
  w.hub.subscribe(id, "c-1");
  w.hub.faults.disconnect_rate = 0.7;  // now only reconnect attempts draw it
  for (int round = 0; round < 5; ++round) {
    const auto t0 = w.sched.now();
    w.hub.disconnect(id, CloseCode::service_restart);
    while (!w.hub.connected(id) && w.sched.step()) {
    }
    out.push_back(engine::to_us(w.sched.now() - t0));
  }
  out.push_back(w.hub.stats(id).failed_reconnects);
  return out;
}

TEST(WebSocketHub, ReconnectBackoffWithFullJitterIsDeterministicPerSeed) {
  const auto a = reconnect_times(11);
  EXPECT_EQ(a, reconnect_times(11));
  EXPECT_NE(a, reconnect_times(12));
  EXPECT_GT(a.back(), 0);  // some attempts failed and backed off
  const WebSocketOptions o;
  // Each wait is at most the cap; 16 failed attempts at most before the forced success.
  for (std::size_t i = 0; i + 1 < a.size(); ++i) EXPECT_LE(a[i], 17 * o.backoff_cap.count());
}

TEST(WebSocketHub, IdleClientsScheduleNothing) {
  WsWorld w;
  for (int i = 0; i < 3; ++i) w.hub.subscribe(w.hub.add_client(), "c-1");
  EXPECT_EQ(w.sched.pending(), 0u);
  w.publish("c-1");
  ASSERT_TRUE(w.run_quiet());
  EXPECT_EQ(w.sched.pending(), 0u);
  EXPECT_EQ(w.hub.deliveries(), 3);
}

TEST(WebSocketHub, ResyncRetriesWhileEngineIsDownAreBoundedSoTheWorldGetsQuiet) {
  WsWorld w;
  auto id = w.hub.add_client();
  w.hub.subscribe(id, "c-1");
  w.publish("c-1");
  w.next("c-1");
  w.engine_down = true;
  w.publish("c-1");  // a gap nobody can fill
  ASSERT_TRUE(w.run_quiet());
  EXPECT_EQ(w.hub.view(id).at("c-1").seq, 1);
  EXPECT_EQ(w.hub.lagging_views().size(), 1u);
  w.engine_down = false;
  w.publish("c-1");  // the next update finds the gap again, and now it fills
  ASSERT_TRUE(w.run_quiet());
  EXPECT_EQ(w.hub.view(id).at("c-1").seq, 4);
}

TEST(WebSocketHub, SubscribeAfterPublishRetriesWhenTheFirstFetchFails) {
  WsWorld w;
  w.publish("c-1");  // published before anyone follows the campaign
  auto id = w.hub.add_client();
  w.failing_reads = 2;
  w.hub.subscribe(id, "c-1");
  EXPECT_EQ(w.hub.view(id).at("c-1").seq, 0);
  ASSERT_TRUE(w.run_quiet());
  EXPECT_EQ(w.failing_reads, 0);
  EXPECT_EQ(w.hub.view(id).at("c-1").seq, 1);
  EXPECT_TRUE(w.hub.lagging_views().empty());
  EXPECT_EQ(w.sched.pending(), 0u);
}

TEST(WebSocketHub, FaultTablesAreValidatedWholeAndHealTurnsThemOff) {
  WsWorld w;
  EXPECT_EQ(w.hub.check_faults({{"disconnect_rate", 0.5}, {"slow_clients", 2}}), "");
  EXPECT_EQ(w.hub.check_faults({{"disconnect_rate", 2}}), "faults.websocket.disconnect_rate: expected a rate in [0, 1]");
  EXPECT_EQ(w.hub.check_faults({{"slow", 1}}), "faults.websocket: unknown key 'slow'");
  w.hub.merge_faults({{"disconnect_rate", 0.5}, {"slow_clients", 2}});
  EXPECT_EQ(w.hub.faults.slow_clients, 2);
  w.hub.heal();
  EXPECT_EQ(w.hub.faults.disconnect_rate, 0.0);
  EXPECT_EQ(w.hub.faults.slow_clients, 0);
}

}  // namespace
}  // namespace clsim::mocks
