// The capture port and its JSON Lines writer live in the engine (a production
// engine appends the same format); the simulator's capture code uses them here.
#pragma once
#include "engine/adapters/jsonl_capture.hpp"
#include "engine/ports/capture.hpp"

namespace clsim::sim {

using engine::capture_line;
using engine::CaptureRecord;
using engine::CaptureSink;
using engine::JsonlCaptureWriter;

}  // namespace clsim::sim
