#include "mocks/fault_schedule.hpp"

namespace clsim::mocks {

FaultSchedule::FaultSchedule(std::vector<ScheduledFault> entries) {
  for (auto& e : entries) by_call_[{e.fault, e.on}].push_back({std::move(e)});
}

bool FaultSchedule::take(const std::string& fault, const std::string& on, engine::TimePoint now) {
  auto it = by_call_.find({fault, on});
  if (it == by_call_.end()) return false;
  bool fire = false;
  // Every entry counts the decision, so two entries for one call keep their own nth.
  for (Pending& p : it->second) {
    if (p.fired || now < p.entry.at) continue;
    if (++p.seen >= p.entry.nth && !fire) fire = p.fired = true;
  }
  return fire;
}

std::vector<ScheduledFault> FaultSchedule::pending() const {
  std::vector<ScheduledFault> out;
  for (const auto& [call, list] : by_call_)
    for (const Pending& p : list)
      if (!p.fired) out.push_back(p.entry);
  return out;
}

void FaultRecorder::decision(const std::string& fault, const std::string& on, engine::TimePoint now, bool fired,
                             int engine) {
  Seen& s = seen_[{fault, on}];
  if (s.at != now) s = {now, 0};
  ++s.count;
  if (fired) fired_.push_back({now, fault, on, s.count, engine});
}

}  // namespace clsim::mocks

namespace clsim::mocks {
const std::vector<std::string>& schedulable_faults() {
  static const std::vector<std::string> kKeys = {
      "twitter_unauthorized",  "twitter_forbidden",        "twitter_timeout",
      "twitter_error",         "twitter_reply_rejected",   "twitter_timeout_after_create",
      "twitter_error_after_create", "twitter_partial_result", "hedera_busy",
      "hedera_platform_not_created", "hedera_platform_not_active", "hedera_slow_node",
      "hedera_contract_revert", "hedera_insufficient_gas", "hedera_consensus_gas_exhausted",
      "hedera_throttled_at_consensus", "hedera_unknown_outcome", "hedera_mirror_unreachable",
      "bus_partition",         "bus_duplicate",            "websocket_disconnect",
      "websocket_reconnect_failed", "disk_ioerr"};
  return kKeys;
}
}  // namespace clsim::mocks
