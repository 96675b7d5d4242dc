#include "engine/messaging/command_capture.hpp"

namespace clsim::engine {

void CommandCapture::command(CaptureRecord record) {
  in_command_ = false;
  if (!ctx_.options.capture) return;
  record.ts_us = to_us(ctx_.clock.now());
  // Commands carry no id of their own; the engine's name keeps ids of several
  // engines appending to one log apart.
  if (record.event_id.empty()) record.event_id = ctx_.options.name + ":cmd-" + std::to_string(++commands_);
  ctx_.options.capture->append(record);
  for (const auto& r : held_) ctx_.options.capture->append(r);
  held_.clear();
}

void CommandCapture::outcomes(std::vector<CaptureRecord>& records) {
  if (!ctx_.options.capture) return;
  for (auto& r : records) {
    if (in_command_)
      held_.push_back(std::move(r));
    else
      ctx_.options.capture->append(r);
  }
}

}  // namespace clsim::engine
