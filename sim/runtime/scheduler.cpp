#include "sim/runtime/scheduler.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace clsim::sim {

Scheduler::Scheduler(std::uint64_t seed, TimePoint start, Trace& trace)
    : now_(start), trace_(trace), tie_salt_(Prng::stream(seed, "scheduler").next_u64()) {}

boost::asio::io_context& Scheduler::context(int owner) {
  auto& slot = contexts_[owner];
  if (!slot) slot = std::make_unique<boost::asio::io_context>(1);
  return *slot;
}

void Scheduler::crash_owner(int owner) {
  // Collect ids first; erase in id order so nothing depends on hash order.
  std::vector<TimerId> dead;
  for (const auto& [id, e] : live_)
    if (e.owner == owner) dead.push_back(id);
  std::sort(dead.begin(), dead.end());
  for (TimerId id : dead) {
    if (live_[id].kind == TimerKind::foreground) --foreground_pending_;
    live_.erase(id);
  }
  // Destroying the context destroys its queued handlers without running them.
  contexts_[owner] = std::make_unique<boost::asio::io_context>(1);
}

namespace {
// The tie key of a timer: a function of what it is (owner, label, due time) and the
// seed, not of how many draws came before it, so a replay that schedules other
// things around the engine's timers (log lines instead of the audience, a script's
// own timers) still breaks the engine's ties as the captured run did.
std::uint64_t tie_key(std::uint64_t salt, int owner, const std::string& label, std::int64_t due_us) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the label
  for (unsigned char c : label) h = (h ^ c) * 1099511628211ULL;
  std::uint64_t when = std::uint64_t(due_us) * 31 + std::uint64_t(owner);
  std::uint64_t state = salt ^ h ^ engine::splitmix64(when);
  return engine::splitmix64(state);
}
}  // namespace

TimerId Scheduler::schedule(Duration delay, int owner, TimerKind kind, std::string label, Handler fn) {
  if (delay.count() < 0) delay = Duration(0);
  const TimerId id = next_id_++;
  const std::int64_t due_us = engine::to_us(now_ + delay);
  heap_.push({Key{due_us, tie_key(tie_salt_, owner, label, due_us), next_seq_++}, id});
  live_.emplace(id, Entry{owner, kind, std::move(label), std::move(fn)});
  if (kind == TimerKind::foreground) ++foreground_pending_;
  return id;
}

void Scheduler::cancel(TimerId id) {
  auto it = live_.find(id);
  if (it == live_.end()) return;
  Entry e = std::move(it->second);
  live_.erase(it);
  if (e.kind == TimerKind::foreground) --foreground_pending_;
  // As with Asio timers, a cancelled wait still completes, with operation_aborted.
  auto fn = std::move(e.fn);
  boost::asio::post(context(e.owner), [fn = std::move(fn)] { fn(boost::asio::error::operation_aborted); });
}

void Scheduler::drop_dead_heads() {
  while (!heap_.empty() && !live_.count(heap_.top().second)) heap_.pop();
}

std::optional<TimePoint> Scheduler::next_due() {
  drop_dead_heads();
  if (heap_.empty()) return std::nullopt;
  return engine::from_us(heap_.top().first.due_us);
}

void Scheduler::drain(int owner) {
  auto& ctx = context(owner);
  struct Running {
    int& slot;
    int before;
    ~Running() { slot = before; }
  } running{running_owner_, running_owner_};
  running_owner_ = owner;
  for (;;) {
    try {
      ctx.restart();
      ctx.poll();
      return;
    } catch (...) {
      if (!on_exception_) throw;
      on_exception_(owner, std::current_exception());
      // The handler may have crashed this owner (a fresh context now); either way
      // keep draining whatever is still queued for it.
      if (&ctx != &context(owner)) return;
    }
  }
}

void Scheduler::dispatch(int owner, const std::string&, Handler fn, boost::system::error_code ec) {
  boost::asio::post(context(owner), [fn = std::move(fn), ec] { fn(ec); });
  drain(owner);
}

bool Scheduler::step() {
  drop_dead_heads();
  if (heap_.empty()) return false;
  const auto [key, id] = heap_.top();
  heap_.pop();
  auto it = live_.find(id);
  Entry e = std::move(it->second);
  live_.erase(it);
  if (e.kind == TimerKind::foreground) --foreground_pending_;

  now_ = engine::from_us(key.due_us);
  if (key.due_us != instant_us_) {
    instant_us_ = key.due_us;
    events_this_instant_ = 0;
  }
  if (++events_this_instant_ > events_per_instant_max_)
    throw LivelockError{"more than " + std::to_string(events_per_instant_max_) +
                        " events at one virtual instant (last: " + e.label + ")"};
  ++processed_;
  trace_.append(key.due_us, e.owner, e.label);
  dispatch(e.owner, e.label, std::move(e.fn), {});
  // Handlers posted to other owners' contexts (e.g. a cancel) run now too.
  std::vector<int> owners;
  for (const auto& [owner, ctx] : contexts_) owners.push_back(owner);
  for (int owner : owners)
    if (owner != e.owner) drain(owner);
  return true;
}

void Scheduler::run_until(TimePoint t) {
  for (;;) {
    auto due = next_due();
    if (!due || *due > t) break;
    step();
  }
  if (now_ < t) now_ = t;
}

bool Scheduler::run_until_quiet(TimePoint limit) {
  while (foreground_pending_ > 0) {
    auto due = next_due();
    if (!due || *due > limit) break;
    step();
  }
  return quiet();
}

}  // namespace clsim::sim
