#include "mocks/fault_counter.hpp"

namespace clsim::mocks {

std::int64_t FaultCounter::get(const std::string& key) const {
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

bool FaultCounter::decide_tracked(bool drawn, const Call& call) {
  const engine::TimePoint now = clock_ ? clock_->now() : engine::TimePoint{};
  bool fire = schedule_ ? schedule_->take(call.key, call.on, now) : drawn;
  if (!forced_.empty() && call.key == forced_) {
    fire = true;
    forced_.clear();
  }
  if (recorder_) recorder_->decision(call.key, call.on, now, fire, caller_ ? caller_() : 0);
  return fire;
}

void FaultCounter::install_schedule(std::vector<ScheduledFault> entries) {
  schedule_ = std::make_unique<FaultSchedule>(std::move(entries));
}

void FaultCounter::record(bool on) {
  if (!on) recorder_.reset();
  else if (!recorder_) recorder_ = std::make_unique<FaultRecorder>();
}

const std::vector<ScheduledFault>& FaultCounter::recorded() const {
  static const std::vector<ScheduledFault> kNone;
  return recorder_ ? recorder_->fired() : kNone;
}

}  // namespace clsim::mocks
