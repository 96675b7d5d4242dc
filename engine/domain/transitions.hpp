// The campaign state machine: the one table of allowed moves. Everything that
// changes a campaign's state asks here first; any other move is a bug.
#pragma once
#include <utility>
#include <vector>

#include "engine/engine.hpp"

namespace clsim::engine {

// CREATED -> PUBLISHING -> RUNNING -> CLOSED -> REWARD_CLAIM -> EXPIRED, PUBLISHING -> FAILED.
const std::vector<std::pair<CampaignState, CampaignState>>& allowed_transitions();
bool transition_allowed(CampaignState from, CampaignState to);
// No move leaves EXPIRED or FAILED.
bool is_terminal(CampaignState s);

}  // namespace clsim::engine
