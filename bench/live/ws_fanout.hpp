// WebSocket fan-out on loopback: `clients` subscribers of serve's GET /v1/ws (all
// campaigns) in this process, then `updates` campaign creations through the API,
// one at a time (the next once every client has the last one's frame, or after a
// bounded wait). Each frame's latency is its receipt on this process's WallClock
// minus the frame's time_us: serve's clock when the engine wrote the state update
// inside the transaction, so the commit's fsync is part of the figure.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/live/stats.hpp"
#include "bench/live/wall_clock.hpp"

namespace clsim::live_bench {

struct FanoutResult {
  int clients = 0, connected = 0, updates = 0;
  std::int64_t frames = 0, expected = 0;
  int closed_early = 0;  // clients serve closed (1008 fell behind) or that failed
  double connect_s = 0;
  Summary latency;      // receipt - time_us, every frame of every client
  Summary last_client;  // per update: the slowest client's latency
  nlohmann::json json() const;
};

FanoutResult run_fanout(int serve_port, const std::string& token, int clients, int updates, const WallClock& clock);

}  // namespace clsim::live_bench
