#include "engine/adapters/asio_clock.hpp"

namespace clsim::engine {

namespace {
TimePoint system_now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();  // clsim-allow-nondeterminism: production adapter
  return TimePoint(std::chrono::duration_cast<Duration>(since_epoch));
}
}  // namespace

AsioClock::AsioClock(boost::asio::io_context& io) : AsioClock(io, system_now()) {}

AsioClock::AsioClock(boost::asio::io_context& io, TimePoint start)
    : io_(io), start_(start), steady_start_(std::chrono::steady_clock::now()) {}  // clsim-allow-nondeterminism: production adapter

TimePoint AsioClock::now() const {
  const auto elapsed = std::chrono::steady_clock::now() - steady_start_;  // clsim-allow-nondeterminism: production adapter
  return start_ + std::chrono::duration_cast<Duration>(elapsed);
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
