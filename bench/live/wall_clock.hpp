// The bench's reading of "now" on the scale of the frames' time_us. serve's
// AsioClock reads the system clock once at its start and adds steady time; the
// bench does the same, started a moment earlier, so both share CLOCK_MONOTONIC
// and differ only by how the system clock moved against it in between (well under
// a millisecond): an NTP step during a run moves neither.
#pragma once
#include <chrono>
#include <cstdint>

namespace clsim::live_bench {

class WallClock {
 public:
  WallClock()
      : start_us_(std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count()),
        steady_start_(std::chrono::steady_clock::now()) {}
  std::int64_t now_us() const {
    return start_us_ + std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                            steady_start_)
                           .count();
  }

 private:
  std::int64_t start_us_;
  std::chrono::steady_clock::time_point steady_start_;
};

}  // namespace clsim::live_bench
