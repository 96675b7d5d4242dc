// The live Bus adapter against a real redis-server on a unix socket: delivery
// order and fields, ack and claim, a killed and a hung server, destruction with
// work in flight. Every wait is bounded: the io_context runs in short slices
// until a condition holds or a deadline passes.
#include <signal.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "engine/adapters/live/metrics.hpp"
#include "engine/adapters/live/redis/redis_bus.hpp"
#include "live/child_process.hpp"
#include "live/redis_test_support.hpp"

namespace clsim::live {
namespace {

using namespace std::chrono_literals;
using engine::BusDelivery;
using engine::BusMessage;
using engine::Duration;
using engine::PublishResult;
using live_test::free_tcp_port;
using live_test::RedisServer;
using live_test::run_for;
using live_test::run_until;
using live_test::start_tcp_redis;
using live_test::SyncRedis;
using live_test::TempDir;

// Short backoff and deadlines, so a test sees several reconnects in a second.
RedisBusOptions fast_options() {
  // hiredis writes with write(2): a write to a killed server must be an EPIPE
  // error, not a SIGPIPE that ends the test program (the service ignores it too).
  std::signal(SIGPIPE, SIG_IGN);
  RedisBusOptions o;
  o.command_timeout = Duration(1'000'000);
  o.block = Duration(200'000);
  o.reconnect_min = Duration(20'000);
  o.reconnect_max = Duration(200'000);
  return o;
}

RedisEndpoint unix_endpoint(const std::string& path) { return *parse_redis_endpoint("unix:" + path); }

BusMessage message(int i) {
  return BusMessage{"evt-" + std::to_string(i), "engine:test:v1:done", "{\"n\":" + std::to_string(i) + "}"};
}

// Publishes and waits for the answer.
PublishResult publish_now(boost::asio::io_context& io, RedisBus& bus, const std::string& stream, BusMessage msg) {
  std::optional<PublishResult> got;
  bus.publish(stream, std::move(msg), [&](PublishResult r) { got = r; });
  EXPECT_TRUE(run_until(io, [&] { return got.has_value(); })) << "publish never completed";
  return got.value_or(PublishResult{false, ""});
}

std::optional<bool> ping_now(boost::asio::io_context& io, RedisBus& bus, std::chrono::milliseconds timeout = 5000ms) {
  std::optional<bool> got;
  bus.ping([&](bool ok) { got = ok; });
  run_until(io, [&] { return got.has_value(); }, timeout);
  return got;
}

std::vector<BusDelivery> claim_now(boost::asio::io_context& io, RedisBus& bus, const std::string& stream,
                                   const std::string& group, const std::string& consumer) {
  std::optional<std::vector<BusDelivery>> got;
  bus.claim_stale(stream, group, consumer, Duration(0), [&](std::vector<BusDelivery> d) { got = std::move(d); });
  EXPECT_TRUE(run_until(io, [&] { return got.has_value(); })) << "claim_stale never completed";
  return got.value_or(std::vector<BusDelivery>{});
}

TEST(RedisBus, DeliversPublishedMessagesInStreamOrderWithTheirFields) {
  TempDir dir;
  RedisServer redis(dir);
  boost::asio::io_context io;
  Metrics metrics;
  auto options = fast_options();
  options.metrics = &metrics;
  RedisBus bus(io, unix_endpoint(redis.socket_path()), options);
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));

  std::vector<BusDelivery> got;
  bus.subscribe("events", "engine", "c1", [&](BusDelivery d) { got.push_back(std::move(d)); });
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    const auto r = publish_now(io, bus, "events", message(i));
    ASSERT_TRUE(r.ok);
    ids.push_back(r.entry_id);
  }
  ASSERT_TRUE(run_until(io, [&] { return got.size() >= ids.size(); })) << got.size() << " delivered";
  run_for(io, 100ms);  // nothing more comes
  ASSERT_EQ(got.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(got[i].stream, "events");
    EXPECT_EQ(got[i].entry_id, ids[i]);
    EXPECT_EQ(got[i].message.event_id, message(static_cast<int>(i)).event_id);
    EXPECT_EQ(got[i].message.type, "engine:test:v1:done");
    EXPECT_EQ(got[i].message.payload, message(static_cast<int>(i)).payload);
    EXPECT_EQ(got[i].deliveries, 1);
  }
  EXPECT_NE(metrics.text().find(R"(call="XADD",result="ok")"), std::string::npos) << metrics.text();
}

TEST(RedisBus, DeliversWhatWasPublishedBeforeAnyoneSubscribed) {
  TempDir dir;
  RedisServer redis(dir);
  boost::asio::io_context io;
  RedisBus bus(io, unix_endpoint(redis.socket_path()), fast_options());
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));

  const auto early = publish_now(io, bus, "events", message(1));
  ASSERT_TRUE(early.ok);
  std::vector<BusDelivery> got;
  bus.subscribe("events", "engine", "c1", [&](BusDelivery d) { got.push_back(std::move(d)); });
  const auto late = publish_now(io, bus, "events", message(2));
  ASSERT_TRUE(late.ok);
  ASSERT_TRUE(run_until(io, [&] { return got.size() >= 2; }));
  EXPECT_EQ(got[0].entry_id, early.entry_id);
  EXPECT_EQ(got[0].message.event_id, "evt-1");
  EXPECT_EQ(got[1].entry_id, late.entry_id);
}

TEST(RedisBus, AckRemovesTheEntryWhileAnUnackedOneIsClaimedByAnotherConsumer) {
  TempDir dir;
  RedisServer redis(dir);
  boost::asio::io_context io;
  RedisBus bus(io, unix_endpoint(redis.socket_path()), fast_options());
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));

  std::vector<BusDelivery> got;
  bus.subscribe("events", "engine", "c1", [&](BusDelivery d) { got.push_back(std::move(d)); });
  ASSERT_TRUE(publish_now(io, bus, "events", message(1)).ok);
  ASSERT_TRUE(publish_now(io, bus, "events", message(2)).ok);
  ASSERT_TRUE(run_until(io, [&] { return got.size() >= 2; }));

  SyncRedis outside(redis.socket_path());
  EXPECT_EQ(outside.pending("events", "engine"), 2);
  bus.ack("events", "engine", got[0].entry_id);
  ASSERT_TRUE(run_until(io, [&] { return outside.pending("events", "engine") == 1; }));

  // c1 "crashed" holding the second entry: another consumer takes it over.
  const auto claimed = claim_now(io, bus, "events", "engine", "c2");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].entry_id, got[1].entry_id);
  EXPECT_EQ(claimed[0].message.event_id, "evt-2");
  EXPECT_EQ(claimed[0].message.payload, message(2).payload);
  EXPECT_EQ(claimed[0].deliveries, 2);

  bus.ack("events", "engine", claimed[0].entry_id);
  EXPECT_TRUE(claim_now(io, bus, "events", "engine", "c3").empty());
  EXPECT_EQ(outside.pending("events", "engine"), 0);
}

TEST(RedisBus, ClaimsInSeveralRoundsWhenManyEntriesAreStale) {
  TempDir dir;
  RedisServer redis(dir);
  boost::asio::io_context io;
  RedisBus bus(io, unix_endpoint(redis.socket_path()), fast_options());
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));
  std::vector<BusDelivery> got;
  bus.subscribe("events", "engine", "c1", [&](BusDelivery d) { got.push_back(std::move(d)); });
  constexpr int kEntries = 230;  // three XAUTOCLAIM rounds of COUNT 100
  // 2 KB payloads: a reply of 100 entries spans many socket reads.
  const auto big = [](int i) {
    BusMessage m = message(i);
    m.payload = std::string(2048, 'x') + std::to_string(i);
    return m;
  };
  for (int i = 0; i < kEntries; ++i) bus.publish("events", big(i), [](PublishResult) {});
  ASSERT_TRUE(run_until(io, [&] { return got.size() >= kEntries; }));

  const auto claimed = claim_now(io, bus, "events", "engine", "c2");
  ASSERT_EQ(claimed.size(), static_cast<std::size_t>(kEntries));
  for (int i = 0; i < kEntries; ++i) {
    EXPECT_EQ(got[i].message.payload, big(i).payload);
    EXPECT_EQ(claimed[i].entry_id, got[i].entry_id);
    EXPECT_EQ(claimed[i].message.payload, big(i).payload);
    EXPECT_EQ(claimed[i].deliveries, 2);
  }
}

TEST(RedisBus, StartsWhileRedisIsDownAndConnectsWhenItComesUp) {
  TempDir dir;
  boost::asio::io_context io;
  RedisBus bus(io, unix_endpoint(dir.file("redis.sock")), fast_options());
  run_for(io, 100ms);
  EXPECT_FALSE(bus.connected());
  EXPECT_FALSE(publish_now(io, bus, "events", message(1)).ok);
  EXPECT_EQ(ping_now(io, bus), std::optional<bool>(false));
  EXPECT_TRUE(claim_now(io, bus, "events", "engine", "c1").empty());
  bus.ack("events", "engine", "1-1");  // dropped, quietly

  RedisServer redis(dir);
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));
  EXPECT_TRUE(publish_now(io, bus, "events", message(2)).ok);
  EXPECT_TRUE(run_until(io, [&] { return !bus.server_run_id().empty(); }));
}

TEST(RedisBus, ConnectsOverTcpToAHostName) {
  TempDir dir;
  int port = 0;
  auto redis = start_tcp_redis(dir, port);
  ASSERT_TRUE(redis) << "redis-server did not listen on TCP";
  boost::asio::io_context io;
  const auto endpoint = parse_redis_endpoint("localhost:" + std::to_string(port));
  ASSERT_TRUE(endpoint);
  RedisBus bus(io, *endpoint, fast_options());
  std::vector<BusDelivery> got;
  bus.subscribe("events", "engine", "c1", [&](BusDelivery d) { got.push_back(std::move(d)); });
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); })) << redis->log();
  const auto r = publish_now(io, bus, "events", message(1));
  ASSERT_TRUE(r.ok);
  ASSERT_TRUE(run_until(io, [&] { return got.size() == 1; }));
  EXPECT_EQ(got[0].entry_id, r.entry_id);
}

TEST(RedisBus, KeepsRetryingWhileNothingListensOnTheTcpPort) {
  boost::asio::io_context io;
  const int port = free_tcp_port();  // closed again: connects to it are refused
  RedisBus bus(io, *parse_redis_endpoint("127.0.0.1:" + std::to_string(port)), fast_options());
  run_for(io, 300ms);  // several refused connects
  EXPECT_FALSE(bus.connected());
  EXPECT_FALSE(publish_now(io, bus, "events", message(1)).ok);
  EXPECT_EQ(ping_now(io, bus), std::optional<bool>(false));
  EXPECT_TRUE(bus.server_run_id().empty());
}

TEST(RedisBus, ReconnectsAfterRedisIsKilledAndDeliversAgain) {
  TempDir dir;
  std::optional<RedisServer> redis(std::in_place, dir);
  boost::asio::io_context io;
  RedisBus bus(io, unix_endpoint(redis->socket_path()), fast_options());
  std::vector<BusDelivery> got;
  bus.subscribe("events", "engine", "c1", [&](BusDelivery d) { got.push_back(std::move(d)); });
  ASSERT_TRUE(run_until(io, [&] { return bus.connected() && !bus.server_run_id().empty(); }));
  const std::string first_run_id = bus.server_run_id();
  ASSERT_TRUE(publish_now(io, bus, "events", message(1)).ok);
  ASSERT_TRUE(run_until(io, [&] { return got.size() == 1; }));

  const std::string socket = redis->socket_path();
  redis->process().kill9();
  ASSERT_TRUE(run_until(io, [&] { return !bus.connected(); }));
  EXPECT_FALSE(publish_now(io, bus, "events", message(2)).ok);
  EXPECT_EQ(ping_now(io, bus), std::optional<bool>(false));
  run_for(io, 300ms);  // several failed reconnects (logged once)

  // Same socket path, empty server: no stream, no group.
  std::filesystem::remove(socket);
  redis.emplace(dir);
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));
  EXPECT_EQ(ping_now(io, bus), std::optional<bool>(true));
  const auto after = publish_now(io, bus, "events", message(3));
  ASSERT_TRUE(after.ok);
  ASSERT_TRUE(run_until(io, [&] { return got.size() == 2; })) << "the subscription did not come back";
  EXPECT_EQ(got[1].entry_id, after.entry_id);
  EXPECT_EQ(got[1].message.event_id, "evt-3");
  EXPECT_TRUE(run_until(io, [&] { return !bus.server_run_id().empty() && bus.server_run_id() != first_run_id; }));
}

// The engine republishes what it has not consumed when the group had to be made
// again: once for a new stream, never for a group that is there (BUSYGROUP), and
// again when Redis comes back empty.
TEST(RedisBus, SaysWhenItHadToCreateTheGroup) {
  TempDir dir;
  std::optional<RedisServer> redis(std::in_place, dir);
  boost::asio::io_context io;
  std::vector<std::string> created;
  {
    RedisBus bus(io, unix_endpoint(redis->socket_path()), fast_options());
    bus.on_group_created([&](std::string stream) { created.push_back(std::move(stream)); });
    bus.subscribe("events", "engine", "c1", [](BusDelivery) {});
    ASSERT_TRUE(run_until(io, [&] { return created.size() == 1; }));
    EXPECT_EQ(created[0], "events");
  }
  RedisBus again(io, unix_endpoint(redis->socket_path()), fast_options());
  again.on_group_created([&](std::string stream) { created.push_back(std::move(stream)); });
  again.subscribe("events", "engine", "c1", [](BusDelivery) {});
  ASSERT_TRUE(run_until(io, [&] { return again.connected(); }));
  run_for(io, 300ms);
  EXPECT_EQ(created.size(), 1u) << "the group was there: nothing was lost";

  const std::string socket = redis->socket_path();
  redis->process().kill9();
  ASSERT_TRUE(run_until(io, [&] { return !again.connected(); }));
  std::filesystem::remove(socket);
  redis.emplace(dir);  // empty
  ASSERT_TRUE(run_until(io, [&] { return created.size() == 2; })) << "a Redis that lost the group";
  EXPECT_EQ(created[1], "events");
}

// Continues a SIGSTOPped redis-server whatever the test's outcome.
struct ContinueOnExit {
  pid_t pid;
  ~ContinueOnExit() { ::kill(pid, SIGCONT); }
};

TEST(RedisBus, PingFailsWithinTheCommandTimeoutWhenRedisHangsAndRecovers) {
  TempDir dir;
  RedisServer redis(dir);
  boost::asio::io_context io;
  auto options = fast_options();
  options.command_timeout = Duration(300'000);
  RedisBus bus(io, unix_endpoint(redis.socket_path()), options);
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));
  ASSERT_EQ(ping_now(io, bus), std::optional<bool>(true));

  ContinueOnExit resume{redis.process().pid()};
  ASSERT_EQ(::kill(redis.process().pid(), SIGSTOP), 0);
  const auto start = std::chrono::steady_clock::now();
  const auto hung = ping_now(io, bus, 3000ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(hung, std::optional<bool>(false));
  EXPECT_GE(took, 250ms);
  EXPECT_LE(took, 1500ms);

  ::kill(redis.process().pid(), SIGCONT);
  std::optional<bool> ok;
  ASSERT_TRUE(run_until(io, [&] {
    if (!bus.connected()) return false;
    ok = ping_now(io, bus, 1000ms);
    return ok == std::optional<bool>(true);
  }, 10000ms));
}

TEST(RedisBus, BlockingReadOutlastsTheCommandTimeout) {
  TempDir dir;
  RedisServer redis(dir);
  SyncRedis outside(redis.socket_path());
  boost::asio::io_context io;
  auto options = fast_options();
  // Each read blocks twice the command timeout. Redis notices an expired BLOCK
  // on its event loop's next tick (hz 10: up to 100 ms late), so the timeout
  // keeps a margin above that, and above valgrind's slowness.
  options.command_timeout = Duration(300'000);
  options.block = Duration(600'000);
  RedisBus bus(io, unix_endpoint(redis.socket_path()), options);
  std::vector<BusDelivery> got;
  bus.subscribe("events", "engine", "c1", [&](BusDelivery d) { got.push_back(std::move(d)); });
  ASSERT_TRUE(run_until(io, [&] { return bus.connected(); }));
  run_for(io, 200ms);
  const long long connections = outside.connections_received();
  run_for(io, 1500ms);  // two or three empty blocking reads
  EXPECT_EQ(outside.connections_received(), connections) << "a blocking read was taken for a timeout";
  ASSERT_TRUE(publish_now(io, bus, "events", message(1)).ok);
  EXPECT_TRUE(run_until(io, [&] { return got.size() == 1; }));
}

TEST(RedisBus, DestroyingTheBusWithCommandsInFlightRunsNoCallbackAfterwards) {
  TempDir dir;
  RedisServer redis(dir);
  boost::asio::io_context io;
  auto bus = std::make_unique<RedisBus>(io, unix_endpoint(redis.socket_path()), fast_options());
  int called = 0;
  bus->subscribe("events", "engine", "c1", [&](BusDelivery) { ++called; });
  ASSERT_TRUE(run_until(io, [&] { return bus->connected(); }));

  // Handler by handler until the first publish completes: by then other
  // completions are posted and not yet run, and later commands are still on the
  // socket or queued in hiredis when the bus goes.
  constexpr int kCommands = 52;
  for (int i = 0; i < 50; ++i) bus->publish("events", message(i), [&](PublishResult) { ++called; });
  bus->ping([&](bool) { ++called; });
  bus->claim_stale("events", "engine", "c2", Duration(0), [&](std::vector<BusDelivery>) { ++called; });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (called == 0 && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(50ms);
  }
  const int before = called;
  ASSERT_GT(before, 0);
  EXPECT_LT(before, kCommands) << "nothing was left in flight";
  bus.reset();
  run_for(io, 300ms);
  EXPECT_EQ(called, before);

  // The io_context is still usable.
  bool ran = false;
  boost::asio::post(io, [&] { ran = true; });
  EXPECT_TRUE(run_until(io, [&] { return ran; }));
}

TEST(RedisBus, ParsesHostPortAndUnixEndpoints) {
  const auto tcp = parse_redis_endpoint("127.0.0.1:6379");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->host, "127.0.0.1");
  EXPECT_EQ(tcp->port, 6379);
  EXPECT_EQ(tcp->to_string(), "127.0.0.1:6379");
  const auto named = parse_redis_endpoint("localhost:6379");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->host, "localhost");
  const auto unix_socket = parse_redis_endpoint("unix:/tmp/r.sock");
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->unix_path, "/tmp/r.sock");
  EXPECT_TRUE(unix_socket->host.empty());
  EXPECT_EQ(unix_socket->to_string(), "unix:/tmp/r.sock");
  const auto v6 = parse_redis_endpoint("[::1]:6380");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->to_string(), "[::1]:6380");
}

TEST(RedisBus, RefusesMalformedEndpoints) {
  for (const char* bad : {"", "host", "host:0", "host:70000", "unix:", ":6379", "host:", "host:63a9", "host:+80",
                          "::1:6379"})
    EXPECT_FALSE(parse_redis_endpoint(bad)) << bad;
}

}  // namespace
}  // namespace clsim::live
