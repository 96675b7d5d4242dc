// Reading the live side: whether every campaign has finished (social campaigns
// EXPIRED or FAILED, or CREATED when no publish of theirs was accepted; rule
// campaigns ENDED with their refund done and no payment pending), and the outcomes
// from serve's API (campaigns, rule campaigns, matches, dead letters) and mockd's
// GET /mock/state (tweets by campaign marker, balances).
#pragma once
#include <set>
#include <string>

#include "sim/differential/endpoint.hpp"
#include "sim/differential/outcome.hpp"
#include "sim/differential/workload.hpp"

namespace clsim::differential {

// "" when every campaign of the workload is final, else what is not ("c-3 RUNNING, r-1 ACTIVE").
std::string unfinished(Endpoint& serve, const Workload& workload, const std::set<std::string>& published);

// The outcomes as serve and mockd show them now; `refused` are the feeder's.
Outcomes read_live_outcomes(Endpoint& serve, Endpoint& mockd, const Workload& workload,
                            const std::map<int, std::string>& refused);

}  // namespace clsim::differential
