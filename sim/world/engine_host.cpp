#include "sim/world/engine_host.hpp"

#include "sim/world/invariant_checker.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {

EngineHost::~EngineHost() { stop(); }

void EngineHost::start() {
  if (up()) return;
  ++incarnation_;
  World& world = sim_.world();
  clock_ = std::make_unique<SimClock>(world.scheduler(), number_);
  // Each incarnation draws from its own stream, so a restart does not replay the
  // previous life's jitter.
  random_ = std::make_unique<Prng>(
      Prng::stream(world.config().seed, "engine-" + std::to_string(number_) + "-" + std::to_string(incarnation_)));
  hooks_ = std::make_unique<SimHooks>(world, number_, [this](Duration d) { sim_.note_crash_point(number_, d); });
  hooks_->set_observer([this](int n, std::string_view ev, const nlohmann::json& fields) {
    if (sim_.checker_) sim_.checker_->on_engine_event(n, ev, fields);
  });
  social_ = std::make_unique<mocks::TwitterClient>(*sim_.twitter_, *clock_);
  ledger_ = std::make_unique<mocks::HederaClient>(*sim_.hedera_, *clock_);
  bus_ = std::make_unique<mocks::RedisBus>(sim_.redis_, *sim_.bus_faults_, *clock_);
  engine::EngineOptions options = sim_.engine_base_;
  options.name = "engine-" + std::to_string(number_);
  options.mutations = sim_.mutations_;
  engine_ = std::make_unique<engine::Engine>(
      engine::EnginePorts{*clock_, *random_, *hooks_, *social_, *ledger_, *bus_, sim_.tap_, *sim_.storage_}, options);
  try {
    engine_->start();
  } catch (const engine::CrashSignal&) {
    sim_.on_handler_exception(number_, std::current_exception());
  }
}

void EngineHost::stop() {
  // The engine first (it closes its connection), then the adapters it used.
  engine_.reset();
  bus_.reset();
  ledger_.reset();
  social_.reset();
  hooks_.reset();
  random_.reset();
  clock_.reset();
}

}  // namespace clsim::sim
