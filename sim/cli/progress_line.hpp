// The progress line on a terminal's stderr during a long run: for one world,
// virtual time reached of max, events per wall second, faults so far; for the
// commands that run many seeds (swarm, fuzz), a line they compose. Redrawn at
// most 4 times a second; wall time here never reaches the trace.
#pragma once
#include <chrono>
#include <string>

#include "sim/world/world.hpp"

namespace clsim::cli {

class ProgressLine {
 public:
  using WallClock = std::chrono::steady_clock;  // clsim-allow-nondeterminism: progress display only
  ProgressLine(std::string script, WallClock::time_point start) : script_(std::move(script)), start_(start) {}
  void update(sim::World& world);
  // Draws `text` as the line (throttled like update()).
  void show(const std::string& text);
  // Wall seconds since the start.
  double elapsed_s() const;
  void clear();

 private:
  std::string script_;
  WallClock::time_point start_;
  WallClock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace clsim::cli
