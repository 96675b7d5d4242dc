// The capture records of the engine's commands and outcomes (docs/CONTRACTS.md,
// "Capture format"): payloads carry exactly what a replay needs to ask the same
// thing again. Times and command ids are filled in by the engine.
#pragma once
#include <string>

#include "engine/engine.hpp"

namespace clsim::engine {

CaptureRecord create_record(const CampaignSpec& spec, const std::string& id);
CaptureRecord update_record(const std::string& id, const CampaignUpdate& change, const std::string& by);
CaptureRecord user_record(const char* type, const std::string& id, const std::string& user);
CaptureRecord customer_event_record(const CustomerEvent& event);
// An outbox event as a recorded outcome: the campaign and user move out of the
// payload into their own fields.
CaptureRecord outcome_record(const std::string& type, const std::string& event_id, const nlohmann::json& payload);

}  // namespace clsim::engine
