// Reward arithmetic at close, as a pure function so it can be tested exhaustively:
// every recorded engagement earns its kind's rate; if the total fits the budget it
// is paid in full, else each user's share is scaled pro rata and rounded down.
#pragma once
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace clsim::engine {

struct Engagement {
  std::string user;
  EngagementKind kind = EngagementKind::like;
};

struct RewardShare {
  std::string user;
  Money amount;
};

struct RewardPlan {
  std::vector<RewardShare> rewards;  // by user id, only amounts > 0
  Money total;                       // sum of rewards, <= budget
  Money refund;                      // budget - total
};

// Engagements may come in any order and may repeat; a repeat counts once.
RewardPlan compute_rewards(Money budget, const Rates& rates, const std::vector<Engagement>& engagements);

}  // namespace clsim::engine
