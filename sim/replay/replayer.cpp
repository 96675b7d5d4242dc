#include "sim/replay/replayer.hpp"

#include "sim/lua/script_runner.hpp"
#include "sim/replay/line_feeder.hpp"
#include "sim/world/invariant_checker.hpp"

namespace clsim::sim {

namespace {

constexpr std::int64_t kDayUs = 86'400'000'000LL;

// The log's world without its random faults (a replay has none). What is not
// random stays: X's documented rate limits, and a crash stays a power loss. X's
// and Hedera's knobs stay too (but the usage cap): their latencies shape the run,
// and with their rates the mocks draw their random streams as the captured run did,
// while the empty fault schedule (replay_log) lets no fault fire at random.
nlohmann::ordered_json replay_world(const EventLog& log) {
  nlohmann::ordered_json w = log.config ? log.config->world : nlohmann::ordered_json::object();
  nlohmann::ordered_json keep = nlohmann::ordered_json::object();
  const auto keep_key = [&](const char* service, const char* key) {
    if (w.contains("faults") && w["faults"].contains(service) && w["faults"][service].contains(key))
      keep[service][key] = w["faults"][service][key];
  };
  keep_key("disk", "lose_unsynced_on_crash");
  for (const char* service : {"twitter", "hedera"})
    if (w.contains("faults") && w["faults"].contains(service) && w["faults"][service].is_object())
      for (const auto& [key, value] : w["faults"][service].items())
        if (key != "usage_cap") keep[service][key] = value;
  w.erase("faults");
  if (!keep.empty()) w["faults"] = keep;
  w.erase("audience");
  return w;
}

// Feeds the lines sharing one timestamp in log order, then schedules the next
// group: one chain of world events, so equal times never reorder by tie-break.
struct Chain {
  Simulation& sim;
  LineFeeder& feeder;
  const std::vector<LogLine>& lines;
  std::int64_t& fed;
  void step(std::size_t i) {
    const std::int64_t ts = lines[i].ts_us;
    for (; i < lines.size() && lines[i].ts_us == ts; ++i, ++fed) feeder.feed(lines[i]);
    if (i >= lines.size()) return;
    sim.world().scheduler().schedule(Duration(lines[i].ts_us - ts), 0, engine::TimerKind::foreground, "replay:line",
                                     [this, i](boost::system::error_code ec) {
                                       if (!ec) step(i);
                                     });
  }
};

}  // namespace

std::string failure_signature(Simulation& sim) {
  World& w = sim.world();
  if (!w.violations().empty()) return "invariant " + w.violations().front().invariant;
  if (!w.check_failures().empty()) return "check " + w.check_failures().front().message;
  if (!w.fatal().empty()) return "fatal " + w.fatal().substr(0, w.fatal().find(':'));
  return {};
}

ReplayResult replay_log(const EventLog& log, const ReplayOptions& options) {
  ReplayResult result;
  const std::int64_t log_start = log.config ? log.config->ts_us
                                 : log.lines.empty() ? engine::kDefaultStartUs
                                                     : log.lines.front().ts_us;
  result.shift_us = engine::kDefaultStartUs - log_start;
  const std::int64_t span = log.lines.empty() ? 0 : log.lines.back().ts_us - log_start;

  lua::ScriptOptions so;
  so.script_path = log.file;
  so.seed = options.seed ? options.seed : (log.config ? std::optional(log.config->seed) : std::nullopt);
  so.max_events = options.max_events;
  so.mutations = options.mutations;
  so.trace_sink = options.trace_sink;
  lua::ScenarioContext ctx(so, options.identity);
  ctx.declare_scenario("replay " + log.file, std::nullopt, Duration(std::max<std::int64_t>(30 * kDayUs, span + 30 * kDayUs)));
  ctx.declare_world(replay_world(log));
  ctx.declare_fault_schedule({});
  result.seed = ctx.effective_seed();
  Simulation* sim = nullptr;
  try {
    sim = &ctx.sim();
  } catch (const std::invalid_argument& e) {
    result.exit_code = 2;
    result.error = log.file + ":" + std::to_string(log.config ? log.config->line : 0) + ": world: " + e.what();
    return result;
  }
  mocks::AudienceConfig quiet_audience;
  quiet_audience.enabled = false;  // engagements come only from the log
  sim->twitter().set_audience(quiet_audience);

  LineFeeder feeder(*sim, result.refusals, options.match_window);
  feeder.arm_failures(log.lines, result.shift_us, options.match_window);
  Chain chain{*sim, feeder, log.lines, result.lines_fed};
  if (!log.lines.empty())
    sim->world().scheduler().schedule(Duration(log.lines.front().ts_us - log_start), 0, engine::TimerKind::foreground,
                                      "replay:line", [&chain](boost::system::error_code ec) {
                                        if (!ec) chain.step(0);
                                      });
  World& world = sim->world();
  const bool quiet = world.run_until_quiet();
  if (world.fatal().empty()) sim->invariants().final_check(quiet);
  result.divergences = find_divergences(log.lines, engine_outcomes(*sim), result.shift_us);
  if (!options.check_path.empty()) {
    std::string error;
    if (!lua::run_check_file(ctx, options.check_path, error)) {
      result.exit_code = 2;
      result.error = error;
      result.sim = ctx.take_simulation();
      return result;
    }
  }
  const bool failed = !world.check_failures().empty() || !world.violations().empty() || !world.fatal().empty();
  result.exit_code = failed ? 1 : 0;
  result.sim = ctx.take_simulation();
  return result;
}

}  // namespace clsim::sim
