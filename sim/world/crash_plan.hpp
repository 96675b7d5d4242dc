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
  // A replayed crash (a capture's crash line names its point): the point fires only
  // from the logged instant on, so an earlier pass through it is not the one.
  std::optional<engine::TimePoint> not_before;
};

class CrashPlan {
 public:
  // The order's handle, for disarm().
  std::size_t arm(CrashOrder order) {
    orders_.push_back(std::move(order));
    return orders_.size() - 1;
  }
  // Called when `engine_no` reaches `point` at `now`: the order to fire, if one
  // matches (its remaining count is used up by one).
  std::optional<CrashOrder> take(const std::string& point, int engine_no, engine::TimePoint now);
  // Uses up what is left of an order; true when some of it was left (it never fired).
  bool disarm(std::size_t handle);
  void clear() { orders_.clear(); }

 private:
  std::vector<CrashOrder> orders_;
};

}  // namespace clsim::sim
