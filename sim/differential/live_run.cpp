#include "sim/differential/live_run.hpp"

#include <cstdio>
#include <thread>

#include "sim/differential/interrupt.hpp"
#include "sim/differential/live_feeder.hpp"
#include "sim/differential/live_outcomes.hpp"
#include "sim/differential/live_processes.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::differential {

namespace {

using Clock = LiveFeeder::Clock;
using namespace std::chrono_literals;
constexpr const char* kToken = "clsim-differential";
constexpr auto kSettlePoll = 500ms;
constexpr std::size_t kProgressWidth = 100;

class Progress {
 public:
  Progress(bool on, Clock::time_point start) : on_(on), start_(start) {}
  ~Progress() { clear(); }
  void show(const std::string& what) {
    const auto now = Clock::now();
    if (!on_ || now - last_draw_ < kRedraw) return;
    last_draw_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    char head[32];
    std::snprintf(head, sizeof head, "live %.0f s: ", s);
    const std::string line = (head + what).substr(0, kProgressWidth);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    drawn_ = true;
  }
  void clear() {
    if (drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }

 private:
  static constexpr auto kRedraw = 250ms;
  bool on_;
  Clock::time_point start_, last_draw_{};
  bool drawn_ = false;
};

void feed(boost::asio::io_context& io, LiveFeeder& feeder, LiveProcesses& processes, Clock::time_point deadline,
          Progress& progress) {
  while (!feeder.done() && Clock::now() < deadline) {
    if (interrupted()) throw Interrupted{};
    processes.check_running();
    if (io.stopped()) io.restart();
    io.run_for(100ms);
    progress.show(std::to_string(feeder.lines_fed()) + "/" + std::to_string(feeder.lines_total()) + " lines fed");
  }
}

// "" once every campaign is final, else what is not when the deadline came.
std::string settle(Endpoint& serve, const Workload& w, const LiveFeeder& feeder, LiveProcesses& processes,
                   Clock::time_point deadline, Progress& progress) {
  for (;;) {
    if (interrupted()) throw Interrupted{};
    processes.check_running();
    const std::string left = unfinished(serve, w, feeder.published());
    if (left.empty() || Clock::now() >= deadline) return left;
    progress.show("waiting for " + left);
    std::this_thread::sleep_for(kSettlePoll); // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  }
}

}  // namespace

LiveRun run_live(const Workload& w, const TempDir& dir, const LiveRunOptions& options) {
  StackOptions stack;
  stack.seed = w.seed;
  stack.timing = w.timing;
  stack.token = kToken;
  LiveProcesses processes(dir, stack);
  boost::asio::io_context io;
  LiveRun run;
  {
    Endpoint serve(io, processes.serve_port(), kToken), mockd(io, processes.mockd_port());
    LiveFeeder feeder(io, serve, mockd, w, sim::ReplayOptions{}.match_window);
    const auto start = Clock::now();
    Progress progress(options.progress, start);
    const auto last = start + std::chrono::microseconds(w.log.lines.empty() ? 0 : w.offset_us(w.log.lines.back()));
    const auto deadline = last + options.timeout;
    feeder.start(start);
    feed(io, feeder, processes, deadline, progress);
    run.unfinished = settle(serve, w, feeder, processes, deadline, progress);
    progress.clear();
    run.outcomes = read_live_outcomes(serve, mockd, w, feeder.refused());
    run.lines_fed = feeder.lines_fed();
    run.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  }  // the clients go before the io_context
  processes.stop();
  return run;
}

}  // namespace clsim::differential
