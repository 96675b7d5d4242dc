// A Clock whose now() moves on by a microsecond at every read, over a virtual
// clock: time passes within a handler as it does on a real machine, where
// virtual time stands still. Engine code that reads now() twice and expects the
// same answer fails under it (a live service found the first such bug).
#pragma once
#include "engine/ports/clock.hpp"

namespace clsim::engine::testing {

class MovingClock final : public Clock {
 public:
  explicit MovingClock(Clock& inner) : inner_(inner) {}
  TimePoint now() const override { return inner_.now() + Duration(++reads_); }
  boost::asio::io_context::executor_type executor() override { return inner_.executor(); }
  TimerId start_wait(Duration delay, TimerKind kind, std::string label, WaitHandler fn) override {
    // A wait starts after the reads so far, as a real timer starts when it is armed.
    return inner_.start_wait(delay + Duration(reads_), kind, std::move(label), std::move(fn));
  }
  void cancel(TimerId id) override { inner_.cancel(id); }

 private:
  Clock& inner_;
  mutable std::int64_t reads_ = 0;
};

}  // namespace clsim::engine::testing
