// The HTTP API's JSON: request bodies read into the engine's command types with
// errors that name the field, and the read side's views. Strict on purpose: an
// unknown field, a fraction where an integer belongs or text where a number
// belongs is refused (400) before the engine sees anything.
#pragma once
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "engine/queries.hpp"

namespace clsim::live {

struct BadField {
  std::string message;
  std::string field;  // "" when the body as a whole is at fault
};

template <class T>
using Parsed = std::variant<T, BadField>;

// The body as a JSON object; the parser's own message when it is not JSON.
Parsed<nlohmann::json> parse_object(const std::string& body);

// The payload of campaign:create:v1:requested.
Parsed<engine::CampaignSpec> campaign_spec(const nlohmann::json& body);
struct UpdateRequest {
  engine::CampaignUpdate change;
  std::optional<std::string> by;
};
Parsed<UpdateRequest> update_request(const nlohmann::json& body);
// {"by"} of publish, optional; the body may be empty.
Parsed<std::optional<std::string>> by_field(const nlohmann::json& body);
Parsed<std::string> user_id_field(const nlohmann::json& body);  // claims
Parsed<engine::RuleCampaignSpec> rule_campaign_spec(const nlohmann::json& body);
Parsed<engine::CustomerEvent> customer_event(const nlohmann::json& body);

// The field an engine validation reason names (reasons start with it), in the
// API's spelling ("rates.like", "duration_us", "rules[2].when[1]").
std::string field_of_reason(const std::string& reason);

nlohmann::json campaign_view(const engine::CampaignRecord& c, const std::vector<std::string>& tweets,
                             const std::vector<engine::RewardView>& rewards);
nlohmann::json rule_campaign_view(const engine::RuleCampaignRecord& r);
nlohmann::json match_view(const engine::RuleMatchRecord& m);
nlohmann::json dead_letter_view(const engine::DeadLetterRecord& d);

}  // namespace clsim::live
