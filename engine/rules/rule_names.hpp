// Names the rule campaign code shares between its files: timer kinds, the bus
// message type, memos. Event timers use the key "ev:<event_id>" as their campaign.
#pragma once
#include <string>

#include "engine/names.hpp"

namespace clsim::engine::rules {

inline constexpr const char* kEventType = "customer:event:v1:requested";
inline constexpr const char* kTimerFund = "rule_fund";
inline constexpr const char* kTimerEnd = "rule_end";
inline constexpr const char* kTimerEvent = "rule_event";
inline constexpr const char* kOutboxCampaign = "*rules";

inline std::string event_key(const std::string& event_id) { return "ev:" + event_id; }
inline std::string escrow(const std::string& campaign) { return escrow_account(campaign); }
inline std::string match_memo(const std::string& campaign, const std::string& event_id) {
  return payment_memo(campaign, "match:" + event_id);
}

}  // namespace clsim::engine::rules
