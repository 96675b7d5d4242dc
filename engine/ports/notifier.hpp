// Notifier port: live campaign state updates to dashboard clients (WebSocket in
// production). Each update has a per-campaign sequence number without gaps; a
// client that reconnects asks the engine for what it missed (Engine::updates_since).
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"

namespace clsim::engine {

inline constexpr const char* kStateUpdateEvent = "campaign:state:v1:success";

struct StateUpdate {
  std::string campaign_id;
  std::int64_t seq = 0;  // 1, 2, 3, ... per campaign
  std::string state;
  nlohmann::json view;  // the full campaign view
  TimePoint at{};
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void publish(const StateUpdate& update) = 0;
};

}  // namespace clsim::engine
