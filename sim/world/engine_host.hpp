// One engine slot of a simulated world: the engine's clock, random stream, hooks
// and per-engine adapters, rebuilt on every restart. A crash destroys them after
// the scheduler has dropped the engine's pending events, as a killed process would.
#pragma once
#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "mocks/hedera/hedera_client.hpp"
#include "mocks/redis/redis_bus.hpp"
#include "mocks/twitter/twitter_client.hpp"
#include "sim/runtime/scheduler.hpp"
#include "sim/world/sim_hooks.hpp"

namespace clsim::sim {

class Simulation;

class EngineHost {
 public:
  EngineHost(Simulation& sim, int number) : sim_(sim), number_(number) {}
  EngineHost(const EngineHost&) = delete;
  EngineHost& operator=(const EngineHost&) = delete;
  ~EngineHost();

  int number() const { return number_; }
  bool up() const { return engine_ != nullptr; }
  engine::Engine& engine() { return *engine_; }

  // Builds a fresh engine on the shared disk and starts it (recovery included).
  void start();
  // Tears the engine down; the scheduler must already have dropped its events.
  void stop();

 private:
  Simulation& sim_;
  int number_;
  int incarnation_ = 0;
  std::unique_ptr<SimClock> clock_;
  std::unique_ptr<Prng> random_;
  std::unique_ptr<SimHooks> hooks_;
  std::unique_ptr<mocks::TwitterClient> social_;
  std::unique_ptr<mocks::HederaClient> ledger_;
  std::unique_ptr<mocks::RedisBus> bus_;
  std::unique_ptr<engine::Engine> engine_;
};

}  // namespace clsim::sim
