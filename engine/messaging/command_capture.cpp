#include "engine/messaging/command_capture.hpp"

namespace clsim::engine {

void CommandCapture::command(CaptureRecord record) {
  in_command_ = false;
  if (!ctx_.options.capture) return;
  record.ts_us = command_ts_us_;
  // Commands carry no id of their own; the engine's name keeps ids of several
  // engines appending to one log apart.
  if (record.event_id.empty()) {
    const auto& prefix = ctx_.options.capture_id_prefix.empty() ? ctx_.options.name : ctx_.options.capture_id_prefix;
    record.event_id = prefix + ":cmd-" + std::to_string(++commands_);
  }
  ctx_.options.capture->append(record);
  for (const auto& r : held_) ctx_.options.capture->append(r);
  held_.clear();
}

bool CommandCapture::keeps_unavailable() const { return ctx_.options.capture_unavailable; }

void CommandCapture::discard() {
  in_command_ = false;
  if (!ctx_.options.capture) return;
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
