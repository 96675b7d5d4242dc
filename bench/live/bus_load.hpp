// The bus, two ways. Adapter: the engine's RedisBus (XADD; a blocking XREADGROUP
// loop on its own connection; XACK) in this process against a redis-server of its
// own with a stated persistence setting, `window` publishes in flight: the ceiling
// Redis Streams and the adapter give. Engine: what serve's outbox relay and
// consumer did during the rule-events run, read back from its database (outbox
// created_us -> published_us -> inbox processed_us), the path the engine uses.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/live/stats.hpp"
#include "sim/differential/child_process.hpp"

namespace clsim::live_bench {

struct BusResult {
  std::string persistence;  // e.g. "appendonly no", "appendonly yes, appendfsync everysec"
  std::int64_t rate = 0;  // msg/s offered; 0 = as fast as the window allows
  std::int64_t messages = 0, delivered = 0;
  double seconds = 0, per_s = 0;
  Summary latency;  // publish call -> delivery to the consumer
  nlohmann::json json() const;
};

// `aof`: appendonly yes + appendfsync everysec; else appendonly no, no snapshots.
// Saturated (rate 0) the consumer falls behind and latency is the backlog's age;
// paced at `rate` msg/s it is the path's own latency at that load.
BusResult run_bus_adapter(const differential::TempDir& dir, bool aof, std::int64_t messages, int window,
                          std::int64_t rate);

struct EngineBusResult {
  std::int64_t messages = 0;
  double relay_per_s = 0;  // rows published / (last publish - first row's commit)
  Summary outbox_to_published, outbox_to_consumed;
  nlohmann::json json() const;
};

// Reads serve's database (WAL: a reader beside the running service is fine).
EngineBusResult read_engine_bus(const std::string& db_path, const std::string& type);

}  // namespace clsim::live_bench
