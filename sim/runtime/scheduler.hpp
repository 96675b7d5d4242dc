// The world's discrete-event queue on virtual time. Nothing waits in real time:
// when no handler is ready the run loop jumps the clock to the earliest due event.
// Ties break by (due time, a tie key hashed from the seed, the owner, the label and
// the due time, insertion sequence). Each owner (0 = the world, 1..N = engines) has its own io_context;
// an event's handler is posted to its owner's context and the context is polled
// dry, so engine code is ordinary Asio code. Crashing an owner drops its pending
// events and its context without running them.
#pragma once
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/ports/clock.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/runtime/trace.hpp"

namespace clsim::sim {

using engine::Duration;
using engine::TimePoint;
using engine::TimerId;
using engine::TimerKind;

// A zero-delay loop that never lets virtual time advance.
struct LivelockError {
  std::string message;
};

class Scheduler {
 public:
  using Handler = std::function<void(boost::system::error_code)>;
  // Called when a handler throws; the exception is the one from poll().
  using ExceptionHandler = std::function<void(int owner, std::exception_ptr)>;

  Scheduler(std::uint64_t seed, TimePoint start, Trace& trace);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  TimePoint now() const { return now_; }

  boost::asio::io_context& context(int owner);
  // Drops every pending event of `owner` and gives it a fresh io_context.
  void crash_owner(int owner);

  TimerId schedule(Duration delay, int owner, TimerKind kind, std::string label, Handler fn);
  void cancel(TimerId id);

  void set_exception_handler(ExceptionHandler h) { on_exception_ = std::move(h); }
  // Cap on events processed at one virtual instant (livelock detection).
  void set_events_per_instant_max(std::uint64_t n) { events_per_instant_max_ = n; }

  // Processes the next event. False when the queue is empty.
  bool step();
  // Processes everything due at or before t, then sets the clock to t.
  void run_until(TimePoint t);
  // Runs until no foreground event is pending or the next one is after `limit`.
  // True when quiet.
  bool run_until_quiet(TimePoint limit);

  bool quiet() const { return foreground_pending_ == 0; }
  // The owner whose handlers run now (0 between events): who made a mock's call.
  int running_owner() const { return running_owner_; }
  std::uint64_t events_processed() const { return processed_; }
  std::size_t pending() const { return live_.size(); }
  // Due time of the earliest live event, if any.
  std::optional<TimePoint> next_due();

 private:
  struct Key {
    std::int64_t due_us;
    std::uint64_t tie;
    std::uint64_t seq;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  struct Entry {
    int owner;
    TimerKind kind;
    std::string label;
    Handler fn;
  };
  void drop_dead_heads();
  void dispatch(int owner, const std::string& label, Handler fn, boost::system::error_code ec);
  void drain(int owner);

  TimePoint now_;
  Trace& trace_;
  std::uint64_t tie_salt_;
  std::priority_queue<std::pair<Key, TimerId>, std::vector<std::pair<Key, TimerId>>, std::greater<>> heap_;
  // Looked up by id only, never iterated, so hash order cannot reach a trace.
  std::unordered_map<TimerId, Entry> live_;
  std::map<int, std::unique_ptr<boost::asio::io_context>> contexts_;
  std::uint64_t next_id_ = 1;
  std::uint64_t next_seq_ = 0;
  std::uint64_t foreground_pending_ = 0;
  std::uint64_t processed_ = 0;
  std::int64_t instant_us_ = -1;
  std::uint64_t events_this_instant_ = 0;
  std::uint64_t events_per_instant_max_ = 200000;
  int running_owner_ = 0;
  ExceptionHandler on_exception_;
};

// The Clock port for one owner, over the world's scheduler.
class SimClock final : public engine::Clock {
 public:
  SimClock(Scheduler& s, int owner) : s_(s), owner_(owner) {}
  TimePoint now() const override { return s_.now(); }
  boost::asio::io_context::executor_type executor() override { return s_.context(owner_).get_executor(); }
  TimerId start_wait(Duration delay, TimerKind kind, std::string label, WaitHandler fn) override {
    return s_.schedule(delay, owner_, kind, std::move(label), std::move(fn));
  }
  void cancel(TimerId id) override { s_.cancel(id); }

 private:
  Scheduler& s_;
  int owner_;
};

}  // namespace clsim::sim
