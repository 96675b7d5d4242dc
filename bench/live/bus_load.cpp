#include "bench/live/bus_load.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/live/io_wait.hpp"
#include "engine/adapters/live/redis/redis_bus.hpp"

namespace clsim::live_bench {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

constexpr auto kRunTimeout = 120s;

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Steady::now().time_since_epoch()).count();
}

// A redis-server of the bus run's own, so its persistence can differ from the
// stack's (which has none); stopped by pid when this goes.
differential::ChildProcess start_redis(const differential::TempDir& dir, bool aof, const std::string& sock) {
  std::vector<std::string> argv{"redis-server", "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
                                "--save", "", "--dir", dir.path(), "--dbfilename", aof ? "bus-aof.rdb" : "bus.rdb"};
  if (aof)
    argv.insert(argv.end(), {"--appendonly", "yes", "--appendfsync", "everysec", "--appendfilename", "bus.aof"});
  else
    argv.insert(argv.end(), {"--appendonly", "no"});
  return differential::ChildProcess(argv, dir.file(aof ? "redis-bus-aof.log" : "redis-bus.log"));
}

}  // namespace

nlohmann::json BusResult::json() const {
  return {{"persistence", persistence}, {"rate", rate}, {"messages", messages}, {"delivered", delivered},
          {"seconds", seconds},         {"per_s", per_s},       {"latency", to_json(latency)}};
}

nlohmann::json EngineBusResult::json() const {
  return {{"messages", messages},
          {"relay_per_s", relay_per_s},
          {"outbox_to_published", to_json(outbox_to_published)},
          {"outbox_to_consumed", to_json(outbox_to_consumed)}};
}

BusResult run_bus_adapter(const differential::TempDir& dir, bool aof, std::int64_t messages, int window,
                          std::int64_t rate) {
  std::signal(SIGPIPE, SIG_IGN);  // hiredis writes with write(2)
  const std::string sock = dir.file(aof ? "bus-aof.sock" : "bus.sock");
  auto redis = start_redis(dir, aof, sock);
  if (!differential::wait_for_path(sock, redis, 10s))
    throw std::runtime_error("bus: redis-server did not start: " + redis.log_tail(10));

  asio::io_context io;
  BusResult r;
  r.persistence = aof ? "appendonly yes, appendfsync everysec" : "appendonly no, save ''";
  r.messages = messages;
  r.rate = rate;
  {
    live::RedisBus bus(io, *live::parse_redis_endpoint("unix:" + sock));
    const std::string stream = "bench-bus", group = "bench";
    std::vector<std::int64_t> latency;
    latency.reserve(std::size_t(messages));
    std::int64_t sent = 0, in_flight = 0, failed = 0;
    bool subscribed = false;
    // The payload carries its send time: the consumer needs no lookup.
    bus.subscribe(stream, group, "c1", [&](engine::BusDelivery d) {
      latency.push_back(steady_us() - std::stoll(d.message.payload));
      bus.ack(d.stream, group, d.entry_id);
    });
    // The group exists once the subscription's XGROUP CREATE ran; a ping after it is enough.
    bus.ping([&](bool) { subscribed = true; });
    run_until(io, [&] { return subscribed; }, 10s);
    run_for(io, 200ms);

    // Paced (rate > 0): no more than rate x elapsed sent, topped up every millisecond.
    const auto t0 = Steady::now();
    const auto allowed = [&] {
      if (rate <= 0) return messages;
      const double s = std::chrono::duration<double>(Steady::now() - t0).count();
      return std::min(messages, std::int64_t(s * double(rate)) + 1);
    };
    std::function<void()> pump = [&] {
      while (in_flight < window && sent < allowed()) {
        ++in_flight;
        const auto id = sent++;
        bus.publish(stream, engine::BusMessage{"b-" + std::to_string(id), "bench:bus:v1:requested", std::to_string(steady_us())},
                    [&](engine::PublishResult p) {
                      --in_flight;
                      if (!p.ok) ++failed;
                      pump();
                    });
      }
    };
    asio::steady_timer tick(io);
    std::function<void()> paced = [&] {
      pump();
      if (sent >= messages) return;
      tick.expires_after(1ms);
      tick.async_wait([&](boost::system::error_code ec) {
        if (!ec) paced();
      });
    };
    paced();
    run_until(io, [&] { return std::int64_t(latency.size()) + failed >= messages; }, kRunTimeout);
    tick.cancel();
    r.seconds = std::chrono::duration<double>(Steady::now() - t0).count();
    r.delivered = std::int64_t(latency.size());
    r.per_s = double(r.delivered) / r.seconds;
    r.latency = summarize(std::move(latency));
  }
  run_for(io, 50ms);  // the bus's last completions, before redis-server goes
  redis.stop();
  return r;
}

EngineBusResult read_engine_bus(const std::string& db_path, const std::string& type) {
  EngineBusResult r;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* q = nullptr;
  const char* sql =
      "SELECT o.created_us, o.published_us, i.processed_us FROM outbox o "
      // A customer event's inbox key is "ev:" + its id (engine/rules/rule_names.hpp).
      "LEFT JOIN inbox i ON i.event_id = 'ev:' || json_extract(o.payload, '$.event_id') "
      "WHERE o.type = ? AND o.published = 1";
  if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) != SQLITE_OK) {
    const std::string err = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("engine bus query: " + err);
  }
  sqlite3_bind_text(q, 1, type.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::int64_t> published, consumed;
  std::int64_t first_created = INT64_MAX, last_published = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    const std::int64_t created = sqlite3_column_int64(q, 0), pub = sqlite3_column_int64(q, 1);
    published.push_back(pub - created);
    if (sqlite3_column_type(q, 2) != SQLITE_NULL) consumed.push_back(sqlite3_column_int64(q, 2) - created);
    first_created = std::min(first_created, created);
    last_published = std::max(last_published, pub);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  r.messages = std::int64_t(published.size());
  if (r.messages > 0 && last_published > first_created)
    r.relay_per_s = double(r.messages) / (double(last_published - first_created) / 1e6);
  r.outbox_to_published = summarize(std::move(published));
  r.outbox_to_consumed = summarize(std::move(consumed));
  return r;
}

}  // namespace clsim::live_bench
