#include "sim/world/crash_plan.hpp"

namespace clsim::sim {

std::optional<CrashOrder> CrashPlan::take(const std::string& point, int engine_no, engine::TimePoint now) {
  for (auto& o : orders_) {
    if (o.times <= 0 || o.point != point || (o.engine != 0 && o.engine != engine_no)) continue;
    if (o.not_before && now < *o.not_before) continue;
    --o.times;
    return o;
  }
  return std::nullopt;
}

bool CrashPlan::disarm(std::size_t handle) {
  if (handle >= orders_.size() || orders_[handle].times <= 0) return false;
  orders_[handle].times = 0;
  return true;
}

}  // namespace clsim::sim
