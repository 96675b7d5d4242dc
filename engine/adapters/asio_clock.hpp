// The production Clock: Asio steady timers on a real io_context. now() is Unix-epoch
// time read from the system clock once, at construction, plus steady time since
// then, so now() and the timers run on one clock (a wall-clock step or NTP slew
// moves neither). The simulator never constructs it; engine code cannot tell the
// two apart.
#pragma once
#include <chrono>
#include <map>
#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "engine/ports/clock.hpp"

namespace clsim::engine {

class AsioClock final : public Clock {
 public:
  explicit AsioClock(boost::asio::io_context& io);
  // `start` stands for the system clock's reading at construction (tests).
  AsioClock(boost::asio::io_context& io, TimePoint start);
  TimePoint now() const override;
  boost::asio::io_context::executor_type executor() override { return io_.get_executor(); }
  TimerId start_wait(Duration delay, TimerKind kind, std::string label, WaitHandler fn) override;
  void cancel(TimerId id) override;

 private:
  boost::asio::io_context& io_;
  TimePoint start_;
  std::chrono::steady_clock::time_point steady_start_;
  TimerId next_id_ = 1;
  std::map<TimerId, std::unique_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace clsim::engine
