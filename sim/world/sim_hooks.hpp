// The Hooks port in simulation: crash points consult the world's crash plan,
// "sometimes" marks and transitions feed coverage, engine trace events join the
// world's trace, and a failed engine assertion is an invariant violation.
#pragma once
#include <functional>

#include "engine/ports/hooks.hpp"
#include "sim/world/world.hpp"

namespace clsim::sim {

class SimHooks final : public engine::Hooks {
 public:
  // `on_crash(restart_after)` is told when a crash point fires, before it throws.
  SimHooks(World& world, int engine_no, std::function<void(Duration)> on_crash)
      : world_(world), engine_no_(engine_no), on_crash_(std::move(on_crash)) {}

  void crash_point(std::string_view name) override;
  void sometimes(std::string_view name) override;
  void assertion_failed(std::string_view message) override;
  void trace(std::string_view event, nlohmann::json fields) override;

  // Observers of engine trace events (e.g. the invariant checker).
  using Observer = std::function<void(int engine_no, std::string_view event, const nlohmann::json& fields)>;
  void set_observer(Observer o) { observer_ = std::move(o); }

 private:
  World& world_;
  int engine_no_;
  std::function<void(Duration)> on_crash_;
  Observer observer_;
};

}  // namespace clsim::sim
