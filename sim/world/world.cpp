#include "sim/world/world.hpp"

namespace clsim::sim {

namespace {
std::string trace_identity(std::string_view identity, std::uint64_t seed) {
  return std::string(identity) + "\nseed=" + std::to_string(seed);
}
}  // namespace

World::World(WorldConfig config, std::string_view identity)
    : config_(std::move(config)), scheduler_(config_.seed, config_.start, trace_) {
  trace_.begin(trace_identity(identity, config_.seed));
  if (config_.trace_sink) trace_.set_sink(config_.trace_sink);
}

Prng& World::stream(const std::string& name) {
  auto it = streams_.find(name);
  if (it == streams_.end()) it = streams_.emplace(name, Prng::stream(config_.seed, name)).first;
  return it->second;
}

void World::guard_event_budget() {
  if (after_event_) after_event_();
  if (progress_ && scheduler_.events_processed() % kProgressEvery == 0) progress_(*this);
  if (scheduler_.events_processed() >= config_.max_events)
    set_fatal("event budget exhausted: more than " + std::to_string(config_.max_events) + " events");
}

void World::run_for(Duration d) {
  const TimePoint target = std::min(now() + d, deadline());
  while (fatal_.empty()) {
    auto due = scheduler_.next_due();
    if (!due || *due > target) break;
    try {
      scheduler_.step();
    } catch (const LivelockError& e) {
      set_fatal(e.message);
    }
    guard_event_budget();
  }
  if (fatal_.empty()) scheduler_.run_until(target);
}

bool World::run_until_quiet() {
  while (fatal_.empty() && !scheduler_.quiet()) {
    auto due = scheduler_.next_due();
    if (!due || *due > deadline()) break;
    try {
      scheduler_.step();
    } catch (const LivelockError& e) {
      set_fatal(e.message);
    }
    guard_event_budget();
  }
  return scheduler_.quiet();
}

void World::add_violation(const std::string& invariant, const std::string& message) {
  Violation v{invariant, engine::to_us(now() - config_.start), message,
              {trace_.tail().begin(), trace_.tail().end()}};
  trace_.append(engine::to_us(now()), 0, "invariant_violated", {{"invariant", invariant}, {"message", message}});
  invariant_stats_.violated(invariant);
  violations_.push_back(std::move(v));
}

}  // namespace clsim::sim
