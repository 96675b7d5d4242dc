// Records every state update the engine publishes, in order.
#pragma once
#include <vector>

#include "engine/ports/notifier.hpp"

namespace clsim::engine::testing {

class FakeNotifier final : public Notifier {
 public:
  void publish(const StateUpdate& u) override { updates.push_back(u); }
  std::vector<StateUpdate> for_campaign(const std::string& id) const {
    std::vector<StateUpdate> out;
    for (const auto& u : updates)
      if (u.campaign_id == id) out.push_back(u);
    return out;
  }
  std::vector<StateUpdate> updates;
};

}  // namespace clsim::engine::testing
