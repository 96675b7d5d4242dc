// BM_Replay: captured-log lines per wall second through `clsim replay`: a capture
// of a scenario run is made once (untimed), then parsed and replayed per
// iteration: the on-call engineer's loop, and minimize's inner loop.
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/event_log.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/replay/run_capture.hpp"

namespace clsim::bench {
namespace {

// The capture of one scenario run, in the capture format; empty on failure.
std::string capture_of(const std::string& script, std::string& error) {
  sim::RunCapture capture;
  sim::lua::ScriptOptions options;
  options.script_path = script;
  options.trace_sink = [&capture](const std::string& line) { capture.on_trace_line(line); };
  options.engine_capture = &capture;
  auto result = sim::lua::run_script(options);
  if (result.exit_code != 0 || !result.sim) {
    error = script + ": exit " + std::to_string(result.exit_code) + " " + result.error;
    return {};
  }
  std::ostringstream out;
  sim::JsonlCaptureWriter writer(out);
  capture.write(*result.sim, writer);
  return out.str();
}

void BM_Replay(benchmark::State& state) {
  std::string error;
  const std::string text =
      capture_of(std::string(CLSIM_SOURCE_DIR) + "/scenarios/twitter_rate_limit_storm.lua", error);
  if (text.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::int64_t lines = 0, events = 0;
  for (auto _ : state) {
    const auto log = sim::parse_event_log(text, "capture.jsonl", false);
    sim::ReplayOptions options;
    options.identity = text;
    auto result = sim::replay_log(log, options);
    if (result.exit_code != 0) {
      state.SkipWithError(("replay exit " + std::to_string(result.exit_code) + " " + result.error).c_str());
      break;
    }
    lines += std::int64_t(log.lines.size());
    events += std::int64_t(result.sim->world().scheduler().events_processed());
  }
  state.SetItemsProcessed(lines);
  state.counters["sim_events_per_s"] = benchmark::Counter(double(events), benchmark::Counter::kIsRate);
  state.counters["log_lines"] = double(lines) / double(state.iterations());
}

BENCHMARK(BM_Replay)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace clsim::bench
