#include "engine/adapters/jsonl_capture.hpp"

namespace clsim::engine {

std::string capture_line(const CaptureRecord& r) {
  nlohmann::ordered_json j{{"ts_us", r.ts_us}, {"type", r.type}, {"event_id", r.event_id}};
  if (!r.campaign_id.empty()) j["campaign_id"] = r.campaign_id;
  if (!r.user_id.empty()) j["user_id"] = r.user_id;
  if (!r.payload.empty()) j["payload"] = r.payload;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonlCaptureWriter::world(std::int64_t ts_us, std::uint64_t seed, const nlohmann::ordered_json& world) {
  nlohmann::ordered_json j{
      {"type", kCaptureWorldType}, {"ts_us", ts_us}, {"payload", {{"seed", seed}, {"world", world}}}};
  out_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n' << std::flush;
}

}  // namespace clsim::engine
