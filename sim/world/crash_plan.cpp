#include "sim/world/crash_plan.hpp"

namespace clsim::sim {

std::optional<CrashOrder> CrashPlan::take(const std::string& point, int engine_no) {
  for (auto& o : orders_) {
    if (o.times <= 0 || o.point != point || (o.engine != 0 && o.engine != engine_no)) continue;
    --o.times;
    return o;
  }
  return std::nullopt;
}

}  // namespace clsim::sim
