#include "sim/cli/progress_line.hpp"

#include <cstdio>

namespace clsim::cli {

namespace {

bool due(bool drawn, ProgressLine::WallClock::time_point last, ProgressLine::WallClock::time_point now) {
  return !drawn || now - last >= std::chrono::milliseconds(250);
}

}  // namespace

double ProgressLine::elapsed_s() const {
  return std::chrono::duration<double>(WallClock::now() - start_).count();  // clsim-allow-nondeterminism: display only
}

void ProgressLine::show(const std::string& text) {
  const auto now = WallClock::now();  // clsim-allow-nondeterminism: progress display only
  if (!due(drawn_, last_draw_, now)) return;
  last_draw_ = now;
  drawn_ = true;
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
}

void ProgressLine::update(sim::World& world) {
  const auto now = WallClock::now();  // clsim-allow-nondeterminism: progress display only
  if (!due(drawn_, last_draw_, now)) return;
  last_draw_ = now;
  drawn_ = true;
  const double wall_s = std::chrono::duration<double>(now - start_).count();
  const double reached_h = double(engine::to_us(world.now() - world.config().start)) / 3.6e9;
  const double max_h = double(world.config().max_time.count()) / 3.6e9;
  const double rate = wall_s > 0 ? double(world.scheduler().events_processed()) / wall_s : 0.0;
  std::fprintf(stderr, "\r\033[K%s: virtual %.1f h of %.0f h, %.0f events/s, %lld faults, %zu violations, %.1f s",
               script_.c_str(), reached_h, max_h, rate, (long long)world.fault_total(), world.violations().size(),
               wall_s);
  std::fflush(stderr);
}

void ProgressLine::clear() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace clsim::cli
