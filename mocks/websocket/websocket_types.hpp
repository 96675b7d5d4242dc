// Plain types of the simulated WebSocket side: close codes, the live fault
// settings (world.faults.websocket), tuning, and what a dashboard client holds
// and counts, so the simulator can compare each client's view with the engine.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"

namespace clsim::mocks {

enum class CloseCode : int {
  going_away = 1001,
  abnormal = 1006,          // no close frame: the connection just died
  policy_violation = 1008,  // the hub drops a client whose send queue overflowed
  service_restart = 1012,
};

struct WebSocketFaultConfig {
  double disconnect_rate = 0.0;  // per message sent to a client; also fails reconnect attempts
  int slow_clients = 0;          // clients 0..n-1 read slowly
};

// Merges a world.faults.websocket table; the error names the key. Empty on
// success; on error `config` is unchanged.
std::string merge_websocket_faults(WebSocketFaultConfig& config, const nlohmann::json& table);

struct WebSocketOptions {
  engine::Duration latency{2'000};               // hub -> client
  engine::Duration slow_read_interval{50'000};   // a slow client takes one message per interval
  std::size_t queue_max = 256;                   // per-client send queue; overflow disconnects
  engine::Duration backoff_base{100'000};
  engine::Duration backoff_cap{30'000'000};
  // Bounds, so a world with disconnect_rate = 1 still gets quiet: after this many
  // failed attempts the next reconnect succeeds; resync retries stop after this many.
  int reconnect_attempts_max = 16;
  int resync_attempts_max = 8;
};

struct CampaignView {
  std::int64_t seq = 0;
  std::string state;
  nlohmann::json view;
};

struct ClientStats {
  std::int64_t deliveries = 0;    // messages the client read off the socket
  std::int64_t gaps = 0;          // seq jumps that forced a resync
  std::int64_t resyncs = 0;       // resync requests made (gap, reconnect, subscribe, retry)
  std::int64_t disconnects = 0;
  std::int64_t reconnects = 0;
  std::int64_t failed_reconnects = 0;
  std::int64_t slow_drops = 0;    // disconnected for overflowing the queue
  std::size_t queue_peak = 0;
  std::optional<CloseCode> last_close;
};

}  // namespace clsim::mocks
