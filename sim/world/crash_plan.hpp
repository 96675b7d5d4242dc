// Armed crash points (crash_at in Lua): which point, which engine (0 = any), how
// many more times, and how long until the engine restarts.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.hpp"

namespace clsim::sim {

struct CrashOrder {
  std::string point;
  int engine = 0;  // 0: whichever engine reaches it
  int times = 1;
  engine::Duration restart_after{0};
};

class CrashPlan {
 public:
  void arm(CrashOrder order) { orders_.push_back(std::move(order)); }
  // Called when `engine_no` reaches `point`: the order to fire, if one matches
  // (its remaining count is used up by one).
  std::optional<CrashOrder> take(const std::string& point, int engine_no);
  void clear() { orders_.clear(); }

 private:
  std::vector<CrashOrder> orders_;
};

}  // namespace clsim::sim
