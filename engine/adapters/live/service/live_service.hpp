// The production composition root: `clsim serve` builds the same engine the
// simulator runs, from real adapters (the SQLite file, AsioClock, an OS-seeded
// Random, Redis Streams through hiredis, the X API and the ledger gateway over
// HTTP, the Beast HTTP + WebSocket server), and runs it until SIGINT or SIGTERM.
// Nothing below this file asks whether it is live.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/adapters/live/redis/redis_endpoint.hpp"
#include "engine/core/time.hpp"

namespace clsim::live {

struct ServeConfig {
  std::string db_path;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: any free port (see port_file)
  RedisEndpoint redis;
  std::string twitter_url, ledger_url;
  std::string name = "engine-1";
  std::optional<engine::Duration> poll_interval;
  std::string capture_path;  // "" = no capture
  std::string port_file;     // "" = none
  nlohmann::json timing = nlohmann::json::object();  // engine::apply_timing keys, on top
  // Secrets: from the environment, never logged.
  std::string token;        // CLSIM_TOKEN: writes need it ("" = no auth)
  std::string x_app_token;  // CLSIM_X_APP_TOKEN
  std::map<std::string, std::string> x_user_tokens;  // CLSIM_X_USER_TOKENS (a JSON file)
  std::string ledger_token;  // CLSIM_LEDGER_TOKEN
};

// A configuration the service cannot run with (exit 2): names the flag or file.
struct ServeConfigError {
  std::string message;
};

// Runs the service; returns the exit code (0 after a signal). Throws
// ServeConfigError for a bad configuration found at start (unusable database
// file, capture file or listen address).
int run_service(const ServeConfig& config);

}  // namespace clsim::live
