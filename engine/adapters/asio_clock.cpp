#include "engine/adapters/asio_clock.hpp"

namespace clsim::engine {

TimePoint AsioClock::now() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();  // clsim-allow-nondeterminism: production adapter
  return TimePoint(std::chrono::duration_cast<Duration>(since_epoch));
}

TimerId AsioClock::start_wait(Duration delay, TimerKind, std::string, WaitHandler fn) {
  const TimerId id = next_id_++;
  auto timer = std::make_unique<boost::asio::steady_timer>(io_, delay);
  timer->async_wait([this, id, fn = std::move(fn)](boost::system::error_code ec) {
    timers_.erase(id);
    fn(ec);
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioClock::cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it != timers_.end()) it->second->cancel();
}

}  // namespace clsim::engine
