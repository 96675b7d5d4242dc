#include "sim/world/sim_hooks.hpp"

namespace clsim::sim {

void SimHooks::crash_point(std::string_view name) {
  const std::string point(name);
  world_.coverage().crash_point_reached(point);
  auto order = world_.crash_plan().take(point, engine_no_, world_.now());
  if (!order) return;
  world_.coverage().crash_point_fired(point);
  world_.trace().append(engine::to_us(world_.now()), engine_no_, "crash_point", {{"point", point}});
  if (on_crash_) on_crash_(order->restart_after);
  throw engine::CrashSignal{point};
}

void SimHooks::sometimes(std::string_view name) { world_.coverage().sometimes(std::string(name)); }

void SimHooks::assertion_failed(std::string_view message) {
  world_.add_violation("engine_assertion", std::string(message));
}

void SimHooks::trace(std::string_view event, nlohmann::json fields) {
  nlohmann::ordered_json ordered = nlohmann::ordered_json::object();
  // nlohmann::json objects are std::map-backed: keys come out sorted, stably.
  for (auto it = fields.begin(); it != fields.end(); ++it) ordered[it.key()] = it.value();
  world_.trace().append(engine::to_us(world_.now()), engine_no_, event, ordered);
  if (event == "transition" && fields.contains("from") && fields.contains("to"))
    world_.coverage().transition(fields.value("campaign", ""), fields.value("from", ""), fields.value("to", ""));
  if (observer_) observer_(engine_no_, event, fields);
}

}  // namespace clsim::sim
