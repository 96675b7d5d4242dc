#include "sim/replay/replayer.hpp"

#include "sim/lua/script_runner.hpp"
#include "sim/replay/line_feeder.hpp"
#include "sim/world/invariant_checker.hpp"

namespace clsim::sim {

namespace {

constexpr std::int64_t kDayUs = 86'400'000'000LL;

}  // namespace

// Of a fault table, what a replay keeps: every knob but X's usage cap (its 429s are
// failure lines). The knobs shape the run (latencies, delays, a full disk, slow
// clients), and with their rates the mocks draw their random streams as the
// captured run did, while the replay's fault schedule (replay_log: the log's fault
// lines) decides which random faults fire.
nlohmann::ordered_json replay_faults(const nlohmann::ordered_json& faults) {
  nlohmann::ordered_json keep = faults.is_object() ? faults : nlohmann::ordered_json::object();
  if (keep.contains("twitter") && keep["twitter"].is_object()) keep["twitter"].erase("usage_cap");
  return keep;
}

bool replayed_as_fault_line(const std::string& fault) {
  if (fault == "twitter_partial_result" || fault == "hedera_mirror_unreachable") return true;
  return fault.rfind("twitter_", 0) != 0 && fault.rfind("hedera_", 0) != 0;
}

namespace {

// The log's world without its random faults (a replay has none) and its audience.
nlohmann::ordered_json replay_world(const EventLog& log) {
  nlohmann::ordered_json w = log.config ? log.config->world : nlohmann::ordered_json::object();
  const nlohmann::ordered_json keep = w.contains("faults") ? replay_faults(w["faults"]) : nlohmann::ordered_json::object();
  w.erase("faults");
  if (!keep.empty()) w["faults"] = keep;
  w.erase("audience");
  return w;
}

// The log's fault lines as the replay's fault schedule: each fires on the nth
// decision for its (fault, on) from its time on, and no other fault fires.
std::vector<mocks::ScheduledFault> logged_faults(const EventLog& log, std::int64_t shift_us) {
  std::vector<mocks::ScheduledFault> out;
  for (const auto& l : log.lines)
    if (l.type == "clsim:fault:v1:observed" && !l.repeated)
      out.push_back({engine::from_us(l.ts_us + shift_us) - engine::from_us(engine::kDefaultStartUs) + TimePoint{},
                     l.payload.at("fault").get<std::string>(), l.payload.at("on").get<std::string>(),
                     int(l.payload.value("nth", std::int64_t(1)))});
  return out;
}

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
  ctx.declare_fault_schedule(logged_faults(log, result.shift_us));
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
  // Each instant's lines are fed in log order after everything else due at that
  // instant, as a script's commands are (run_for processes what is due first): a
  // timer would take a seeded place among the engine's timers instead.
  World& world = sim->world();
  for (std::size_t i = 0; i < log.lines.size() && world.fatal().empty();) {
    const std::int64_t ts = log.lines[i].ts_us;
    const TimePoint at = engine::from_us(ts + result.shift_us);
    if (at > world.now()) world.run_for(at - world.now());
    if (!world.fatal().empty() || world.now() < at) break;  // the deadline came first
    for (; i < log.lines.size() && log.lines[i].ts_us == ts; ++i, ++result.lines_fed) feeder.feed(log.lines[i]);
  }
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
