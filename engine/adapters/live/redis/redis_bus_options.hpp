// Settings of the live Bus adapter over Redis, shared by RedisBus and its
// subscriptions. Durations are engine microseconds.
#pragma once
#include "engine/adapters/live/metrics.hpp"
#include "engine/core/time.hpp"

namespace clsim::live {

struct RedisBusOptions {
  engine::Duration command_timeout = engine::Duration(5'000'000);  // also the connect deadline
  engine::Duration block = engine::Duration(1'000'000);            // XREADGROUP BLOCK (>= 1 ms: 0 blocks forever)
  int read_count = 100;                                            // XREADGROUP COUNT
  engine::Duration reconnect_min = engine::Duration(100'000);      // backoff, doubling
  engine::Duration reconnect_max = engine::Duration(5'000'000);
  Metrics* metrics = nullptr;  // each command's latency (kOutsideCall), when set
};

}  // namespace clsim::live
