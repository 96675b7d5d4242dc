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
CaptureRecord rule_campaign_record(const RuleCampaignSpec& spec, const std::string& id);
// A dead letter sent back: the line's own id is the command's, the event's is in the payload.
CaptureRecord redrive_record(const std::string& event_id);
// An engagement the engine's poll observed, as the observation line a replay feeds
// back to its mock X (`eng-<campaign>-<user>-<kind>`, the id `clsim run --capture` uses).
CaptureRecord engagement_record(const std::string& campaign, const std::string& user, EngagementKind kind,
                                const std::string& tweet_id);
// An outbox event as a recorded outcome: the campaign and user move out of the
// payload into their own fields.
CaptureRecord outcome_record(const std::string& type, const std::string& event_id, const nlohmann::json& payload);

}  // namespace clsim::engine
