#include "engine/messaging/capture_records.hpp"

#include "engine/rules/rule_eval.hpp"

namespace clsim::engine {

namespace {

nlohmann::ordered_json rates_json(const Rates& r) {
  return {{"like", r.like.minor}, {"retweet", r.retweet.minor}, {"quote", r.quote.minor}, {"reply", r.reply.minor}};
}

}  // namespace

CaptureRecord create_record(const CampaignSpec& spec, const std::string& id) {
  CaptureRecord r;
  r.type = "campaign:create:v1:requested";
  r.campaign_id = id;
  r.payload = {{"owner", spec.owner},
               {"budget", spec.budget.minor},
               {"rates", rates_json(spec.rates)},
               {"duration_us", to_us(spec.duration)},
               {"claim_window_us", to_us(spec.claim_window)},
               {"text", spec.text}};
  // The engine numbered it: a replay lets it number again, which updates the counter
  // row as the run did (an explicit id would skip that write).
  if (!spec.id && !id.empty()) r.payload["id_assigned"] = true;
  return r;
}

CaptureRecord update_record(const std::string& id, const CampaignUpdate& change, const std::string& by) {
  CaptureRecord r;
  r.type = "campaign:update:v1:requested";
  r.campaign_id = id;
  r.user_id = by;
  if (change.text) r.payload["text"] = *change.text;
  if (change.rates) r.payload["rates"] = rates_json(*change.rates);
  if (change.duration) r.payload["duration_us"] = to_us(*change.duration);
  if (change.claim_window) r.payload["claim_window_us"] = to_us(*change.claim_window);
  return r;
}

CaptureRecord user_record(const char* type, const std::string& id, const std::string& user) {
  CaptureRecord r;
  r.type = type;
  r.campaign_id = id;
  r.user_id = user;
  return r;
}

CaptureRecord customer_event_record(const CustomerEvent& event) {
  CaptureRecord r;
  r.type = "customer:event:v1:requested";
  r.event_id = event.id;
  r.user_id = event.user;
  r.payload = {{"type", event.type}, {"data", nlohmann::ordered_json(event.payload)}};
  return r;
}

CaptureRecord rule_campaign_record(const RuleCampaignSpec& spec, const std::string& id) {
  CaptureRecord r;
  r.type = "rule_campaign:create:v1:requested";
  r.campaign_id = id;
  r.payload = {{"owner", spec.owner},
               {"budget", spec.budget.minor},
               {"duration_us", to_us(spec.duration)},
               {"rules", nlohmann::ordered_json(rules_to_json(spec.rules))}};
  if (!spec.id && !id.empty()) r.payload["id_assigned"] = true;
  return r;
}

CaptureRecord redrive_record(const std::string& event_id) {
  CaptureRecord r;
  r.type = "customer:redrive:v1:requested";
  r.payload = {{"event_id", event_id}};
  return r;
}

CaptureRecord engagement_record(const std::string& campaign, const std::string& user, EngagementKind kind,
                                const std::string& tweet_id) {
  CaptureRecord r;
  r.type = "twitter:engagement:v1:observed";
  r.event_id = "eng-" + campaign + "-" + user + "-" + to_string(kind);
  r.campaign_id = campaign;
  r.user_id = user;
  r.payload = {{"kind", to_string(kind)}, {"tweet_id", tweet_id}};
  return r;
}

CaptureRecord outcome_record(const std::string& type, const std::string& event_id, const nlohmann::json& payload) {
  CaptureRecord r;
  r.type = type;
  r.event_id = event_id;
  r.payload = nlohmann::ordered_json(payload);
  if (r.payload.contains("campaign_id")) {
    r.campaign_id = r.payload["campaign_id"].get<std::string>();
    r.payload.erase("campaign_id");
  }
  if (r.payload.contains("user_id") && r.payload["user_id"].is_string()) {
    r.user_id = r.payload["user_id"].get<std::string>();
    r.payload.erase("user_id");
  }
  return r;
}

}  // namespace clsim::engine
