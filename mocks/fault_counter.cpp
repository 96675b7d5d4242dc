#include "mocks/fault_counter.hpp"

#include "engine/core/distributions.hpp"

namespace clsim::mocks {

std::int64_t FaultCounter::get(const std::string& key) const {
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

bool FaultCounter::decide(engine::Random& rng, double rate, const std::string& key, const std::string& on) {
  const bool drawn = engine::bernoulli(rng, rate);
  if (!schedule_ && !recorder_) return drawn;
  const engine::TimePoint now = clock_ ? clock_->now() : engine::TimePoint{};
  const bool fire = schedule_ ? schedule_->take(key, on, now) : drawn;
  if (recorder_) recorder_->decision(key, on, now, fire);
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
