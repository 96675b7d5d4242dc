#include "engine/domain/transitions.hpp"

#include <algorithm>

namespace clsim::engine {

namespace {
constexpr CampaignState kAllStates[] = {CampaignState::CREATED,      CampaignState::PUBLISHING,
                                        CampaignState::RUNNING,      CampaignState::CLOSED,
                                        CampaignState::REWARD_CLAIM, CampaignState::EXPIRED,
                                        CampaignState::FAILED};
}  // namespace

const char* to_string(CampaignState s) {
  switch (s) {
    case CampaignState::CREATED: return "CREATED";
    case CampaignState::PUBLISHING: return "PUBLISHING";
    case CampaignState::RUNNING: return "RUNNING";
    case CampaignState::CLOSED: return "CLOSED";
    case CampaignState::REWARD_CLAIM: return "REWARD_CLAIM";
    case CampaignState::EXPIRED: return "EXPIRED";
    case CampaignState::FAILED: return "FAILED";
  }
  return "?";
}

std::optional<CampaignState> campaign_state_from(std::string_view name) {
  for (auto s : kAllStates)
    if (name == to_string(s)) return s;
  return std::nullopt;
}

const std::vector<std::pair<CampaignState, CampaignState>>& allowed_transitions() {
  using S = CampaignState;
  static const std::vector<std::pair<S, S>> kTable = {
      {S::CREATED, S::PUBLISHING}, {S::PUBLISHING, S::RUNNING},      {S::PUBLISHING, S::FAILED},
      {S::RUNNING, S::CLOSED},     {S::CLOSED, S::REWARD_CLAIM},     {S::REWARD_CLAIM, S::EXPIRED},
  };
  return kTable;
}

bool transition_allowed(CampaignState from, CampaignState to) {
  const auto& t = allowed_transitions();
  return std::find(t.begin(), t.end(), std::make_pair(from, to)) != t.end();
}

bool is_terminal(CampaignState s) { return s == CampaignState::EXPIRED || s == CampaignState::FAILED; }

Money Rates::for_kind(EngagementKind k) const {
  switch (k) {
    case EngagementKind::like: return like;
    case EngagementKind::retweet: return retweet;
    case EngagementKind::quote: return quote;
    case EngagementKind::reply: return reply;
  }
  return Money(0);
}

}  // namespace clsim::engine
