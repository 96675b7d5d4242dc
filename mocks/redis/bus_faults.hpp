// The world-level fault state of the bus (world.faults.bus): the live settings,
// which faults{} and heal() change mid-run, plus the seeded stream the faults
// draw from and the counter they are reported in. Every engine's RedisBus shares
// one BusFaults, so draws follow one deterministic order for the whole world.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"
#include "engine/ports/random.hpp"
#include "mocks/fault_counter.hpp"

namespace clsim::mocks {

struct BusFaultConfig {
  double duplicate_rate = 0.0;  // an extra delivery of the same entry, later
  engine::Duration delay_min{0};  // added to each delivery when delay_max > 0
  engine::Duration delay_max{0};
  bool reorder = false;         // each delivery draws its own delay; off = FIFO per consumer
  double partition_rate = 0.0;  // a publish/ack/claim round trip fails

  // Not faults: the healthy network. One command round trip, and the push of an
  // entry to a blocked reader.
  engine::Duration command_latency{500};
  engine::Duration delivery_latency{200};
};

// Merges a world.faults.bus table; the error names the key. Empty on success;
// on error `config` is unchanged (a table is checked whole first).
std::string merge_bus_faults(BusFaultConfig& config, const nlohmann::json& table);

class BusFaults {
 public:
  BusFaults(engine::Random& random, FaultCounter& counter) : random_(random), counter_(counter) {}
  BusFaults(const BusFaults&) = delete;
  BusFaults& operator=(const BusFaults&) = delete;

  BusFaultConfig config;

  engine::Random& random() { return random_; }
  void count(const char* key) { counter_.add(key); }
  // `op` and `target` name the call to a fault schedule, e.g. "XADD campaign-events".
  bool decide(double rate, const char* key, const char* op, const std::string& target) {
    return counter_.decide(random_, rate, [&] { return FaultCounter::Call{key, op + (" " + target)}; });
  }

 private:
  engine::Random& random_;
  FaultCounter& counter_;
};

}  // namespace clsim::mocks
