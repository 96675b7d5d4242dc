// Captures a simulated run in the capture format (clsim run --capture). It watches
// the trace for when commands and crashes happened, and at the end reads the rest
// from the world: create specs from the store (updates folded in, since a campaign
// takes updates only before it is published), customer events, the audience's
// engagements from the Twitter mock, the failed outside calls the mocks observed
// (the run must observe them: ScriptOptions::observe_failures), and the engine's
// outbox as recorded outcomes.
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

class RunCapture {
 public:
  // Give it every trace line (chain it into the run's trace sink).
  void on_trace_line(const std::string& line);
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

  // The commands and crashes the trace saw, create specs and event payloads from the store.
  void add_traced(Simulation& sim, engine::SqliteDb& db, std::vector<Keyed>& out) const;
  // Engagements the audience produced, on each campaign's first tweet, up to the end.
  static void add_engagements(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out);
  // An update line per accepted update, right after its campaign's create.
  static void add_updates(engine::SqliteDb& db, std::vector<Keyed>& out);
  // Each failed X or Hedera call, at the instant it was made.
  static void add_failures(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out);
  // The engine's own events are the recorded outcomes.
  static void add_outcomes(engine::SqliteDb& db, std::vector<Keyed>& out);

  std::vector<Seen> seen_;
};

}  // namespace clsim::sim
