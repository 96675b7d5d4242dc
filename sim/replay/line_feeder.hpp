// Applies one log line to a running Simulation: commands go to the engine,
// engagements to the Twitter mock (once the campaign has a first tweet), crash
// lines crash and restart an engine (at the crash point they name), fault-change
// lines change the fault knobs, and a repeated recorded outcome redelivers
// the engine's own bus message as a duplicate.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "sim/replay/event_log.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::sim {

class LineFeeder {
 public:
  // `window`: how long a command the log says was accepted may wait for the
  // replayed world to accept it too (the match window).
  LineFeeder(Simulation& sim, std::vector<Refusal>& refusals, Duration window)
      : sim_(sim), refusals_(refusals), window_(window) {}

  // Logged API failures are armed up front: a call made at or after
  // (line time - window) takes them, each once, in log order.
  void arm_failures(const std::vector<LogLine>& lines, std::int64_t shift_us, Duration window);
  // Applies a command, observation or recorded outcome at the current time.
  void feed(const LogLine& line);

 private:
  void command(const LogLine& l, Duration waited = Duration(0));
  void refused_live(const LogLine& l);
  engine::CommandResult apply(const LogLine& l);
  void engagement(const LogLine& l, int attempts_left);
  void crash(const LogLine& l);
  void crash_now(int engine_no, const LogLine& l);
  void arm_crash_point(const LogLine& l, std::int64_t shift_us);
  void faults_changed(const LogLine& l);
  void redeliver(const LogLine& l);
  void refuse(const LogLine& l, std::string reason) { refusals_.push_back({l.line, l.type, std::move(reason)}); }

  Simulation& sim_;
  std::vector<Refusal>& refusals_;
  Duration window_;
  std::map<std::pair<std::string, std::string>, int> recorded_count_;  // (campaign, type) -> first deliveries
  std::map<std::string, int> ordinal_of_event_;                         // recorded event_id -> its k
  std::map<std::string, std::string> first_tweet_;                      // campaign -> first tweet id (never changes)
  std::map<int, std::size_t> crash_order_of_line_;                      // crash line -> its armed crash point
};

}  // namespace clsim::sim
