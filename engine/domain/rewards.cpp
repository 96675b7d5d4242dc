#include "engine/domain/rewards.hpp"

#include <map>
#include <set>
#include <utility>

namespace clsim::engine {

RewardPlan compute_rewards(Money budget, const Rates& rates, const std::vector<Engagement>& engagements) {
  // Ordered containers: the plan's order is the user id order, whatever came in.
  std::set<std::pair<std::string, int>> unique;
  for (const auto& e : engagements) unique.emplace(e.user, int(e.kind));
  std::map<std::string, __int128> raw;
  __int128 raw_total = 0;
  for (const auto& [user, kind] : unique) {
    const __int128 r = rates.for_kind(EngagementKind(kind)).minor;
    raw[user] += r;
    raw_total += r;
  }
  RewardPlan plan;
  for (const auto& [user, r] : raw) {
    // Over budget: floor(r * budget / total) per user, so the sum never exceeds the budget.
    const __int128 amount = raw_total <= budget.minor ? r : r * budget.minor / raw_total;
    if (amount <= 0) continue;
    plan.rewards.push_back({user, Money(std::int64_t(amount))});
    plan.total += Money(std::int64_t(amount));
  }
  plan.refund = budget - plan.total;
  return plan;
}

}  // namespace clsim::engine
