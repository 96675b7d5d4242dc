// Captures a simulated run in the capture format (clsim run --capture). It is every
// engine's capture sink (WorldConfig::engine_capture) and keeps the commands as the
// engines received them (refused ones, duplicates, rule campaigns and redrives
// too); it watches the trace for crashes and the crash points they died at; at the
// end it reads the rest from the world: the audience's engagements from the Twitter
// mock, the failed outside calls the mocks observed and the other faults that fired
// (the run must observe and record them: ScriptOptions::observe_failures and
// record_faults), and the engine's outbox as recorded outcomes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/replay/capture_sink.hpp"

namespace clsim::engine {
class SqliteDb;
}

namespace clsim::sim {

class Simulation;

class RunCapture final : public engine::CaptureSink {
 public:
  // Give it every trace line (chain it into the run's trace sink).
  void on_trace_line(const std::string& line);
  // The engines' sink: keeps the command lines; their outcomes come from the outbox.
  void world(std::int64_t, std::uint64_t, const nlohmann::ordered_json&) override {}
  void append(const CaptureRecord& record) override;
  // Writes the whole run, world line first, in time order.
  void write(Simulation& sim, CaptureSink& sink) const;

 private:
  struct Seen {
    std::int64_t t_us = 0;
    std::uint64_t seq = 0;
    int engine = 0;
    std::string ev;
    nlohmann::json fields;
  };
  struct Keyed;  // a record with its place in time order (run_capture.cpp)
  struct Command {
    std::uint64_t after_seq;  // the last trace line before it
    CaptureRecord record;
  };

  // The commands the engines received, in the order they received them.
  void add_commands(std::vector<Keyed>& out) const;
  // The crashes the trace saw, with the crash points they died at, and the fault
  // knobs' changes (faults{}, heal()).
  void add_world_events(Simulation& sim, std::vector<Keyed>& out) const;
  // Engagements the audience produced, on each campaign's first tweet, up to the end.
  static void add_engagements(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out);
  // Each failed X or Hedera call, at the instant it was made.
  static void add_failures(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out);
  // Each fault that fired and has no failure line (bus, disk, WebSocket, the mirror,
  // X's partial answers), as the fault schedule names it.
  static void add_faults(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out);
  // The engine's own events are the recorded outcomes.
  static void add_outcomes(engine::SqliteDb& db, std::vector<Keyed>& out);

  std::vector<Seen> seen_;
  std::vector<Command> commands_;
  std::uint64_t last_seq_ = 0;
};

}  // namespace clsim::sim
