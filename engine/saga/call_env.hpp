// What the outside-call drivers (tweets, ledger transactions) need from their
// engine: time, jitter, hooks, the retry policy and the engine's life token, so
// a driver never calls back into an engine that has been destroyed.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "engine/core/distributions.hpp"
#include "engine/engine.hpp"

namespace clsim::engine {

struct CallEnv {
  Clock& clock;
  Random& random;
  Hooks& hooks;
  RetryPolicy retry;
  std::weak_ptr<void> alive;

  bool dead() const { return alive.expired(); }
  Duration backoff(int attempt) { return backoff_full_jitter(random, retry.base, retry.cap, attempt); }
  // A foreground wait: an outside call in progress keeps the world from being quiet.
  void after(Duration d, std::string label, std::function<void()> fn) {
    clock.start_wait(d, TimerKind::foreground, std::move(label), [a = alive, fn = std::move(fn)](auto ec) {
      if (!ec && !a.expired()) fn();
    });
  }
};

}  // namespace clsim::engine
