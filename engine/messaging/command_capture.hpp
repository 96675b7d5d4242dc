// The engine's capture log (EngineOptions::capture): every command as received,
// then the outcomes it committed, so a production log replays with clsim replay.
// Outcomes a command commits are held until the command's own record is out, so
// a log reads request before result.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/engine_context.hpp"

namespace clsim::engine {

class CommandCapture {
 public:
  explicit CommandCapture(EngineContext& ctx) : ctx_(ctx) {}
  // Stamps the command with the moment it arrived, so the outcomes it commits
  // (stamped later, inside their transactions) never precede it in the log.
  void begin_command() {
    in_command_ = true;
    command_ts_us_ = to_us(ctx_.clock.now());
  }
  void command(CaptureRecord record);
  // The command is not captured (what it committed, if anything, still is).
  void discard();
  void outcomes(std::vector<CaptureRecord>& records);
  bool keeps_unavailable() const;

 private:
  EngineContext& ctx_;
  std::uint64_t commands_ = 0;
  bool in_command_ = false;
  std::int64_t command_ts_us_ = 0;
  std::vector<CaptureRecord> held_;
};

}  // namespace clsim::engine
