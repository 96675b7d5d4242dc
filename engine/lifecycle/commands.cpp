// The command API (create, update, publish, claim): validate, then change state in
// one transaction with its outbox row and state update. A refusal changes nothing
// and says which field or rule it broke.
#include "engine/domain/validation.hpp"
#include "engine/lifecycle/lifecycle.hpp"
#include "engine/lifecycle/reward_repo.hpp"

namespace clsim::engine {

namespace {
std::string unknown(const std::string& id) { return "unknown campaign " + id; }
CommandResult to_result(const TxOutcome& out, std::string id = {}) {
  if (out.ok) return CommandResult::success(std::move(id));
  if (out.store_error) return CommandResult::refused(out.reason, Refusal::unavailable);
  return CommandResult::refused(out.reason, out.reason == unknown(id) ? Refusal::unknown : Refusal::conflict);
}
std::string wrong_state(const CampaignRow& row, const char* command, const char* allowed) {
  return "campaign " + row.id + " is " + to_string(row.state) + "; " + command + " is allowed only in " + allowed;
}
}  // namespace

CommandResult Lifecycle::create(const CampaignSpec& spec) {
  if (auto why = validate_spec(spec); !why.empty()) return CommandResult::refused(why, Refusal::invalid);
  std::string id;
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    if (spec.id) {
      id = *spec.id;
      if (campaign_exists(s.db, id)) return "campaign " + id + " already exists";
    } else {
      // Skip numbers a caller already took with an explicit id.
      do {
        id = "c-" + std::to_string(next_counter(s.db, "campaign"));
      } while (campaign_exists(s.db, id));
    }
    CampaignRow row;
    row.id = id;
    row.owner = spec.owner;
    row.text = spec.text;
    row.budget = spec.budget;
    row.rates = spec.rates;
    row.duration = spec.duration;
    row.claim_window = spec.claim_window;
    row.created_us = to_us(ctx_.clock.now());
    insert_campaign(s.db, row);
    states_.persist(s, row, true);
    s.fx.traces.emplace_back("campaign_created", nlohmann::json{{"campaign", id}, {"owner", spec.owner},
                                                                {"budget", spec.budget.minor}});
    return {};
  });
  return to_result(out, id);
}

CommandResult Lifecycle::update(const std::string& id, const CampaignUpdate& change, const std::string& by) {
  bool invalid = false;
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto row = load_campaign(s.db, id);
    if (!row) return unknown(id);
    if (by != row->owner) return "only the owner " + row->owner + " may update " + id;
    if (row->state != CampaignState::CREATED) return wrong_state(*row, "update", "CREATED");
    if (auto why = validate_update(change); !why.empty()) {
      invalid = true;
      return why;
    }
    if (change.text) row->text = *change.text;
    if (change.rates) row->rates = *change.rates;
    if (change.duration) row->duration = *change.duration;
    if (change.claim_window) row->claim_window = *change.claim_window;
    row->update_count += 1;
    messaging_.emit(s, id, "campaign:update:v1:success", id + ":update:" + std::to_string(row->update_count),
         {{"by", by}, {"update", row->update_count}});
    states_.persist(s, *row, true);
    return {};
  });
  if (invalid) return CommandResult::refused(out.reason, Refusal::invalid);
  return to_result(out, id);
}

CommandResult Lifecycle::publish(const std::string& id, const std::string& by) {
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto row = load_campaign(s.db, id);
    if (!row) return unknown(id);
    if (by != row->owner) return "only the owner " + row->owner + " may publish " + id;
    if (row->state == CampaignState::PUBLISHING) return "campaign " + id + " is already PUBLISHING";
    if (row->state != CampaignState::CREATED) return wrong_state(*row, "publish", "CREATED");
    states_.move(s, *row, CampaignState::PUBLISHING, "publish requested by " + by);
    row->step = step::kFirstTweet;
    messaging_.emit(s, id, "campaign:first_tweet:v1:requested", id + ":first_tweet:1", {{"user_id", by}});
    timers_.arm(s, id, timer_kind::kResume, ctx_.clock.now() + ctx_.options.durations.resume_after);
    states_.persist(s, *row, true);
    return {};
  });
  return to_result(out, id);
}

CommandResult Lifecycle::claim(const std::string& id, const std::string& user) {
  auto out = ctx_.run_tx([&](TxScope& s) -> std::string {
    auto row = load_campaign(s.db, id);
    if (!row) return unknown(id);
    if (row->state != CampaignState::REWARD_CLAIM) return wrong_state(*row, "claim", "REWARD_CLAIM");
    const std::optional<RewardRow> reward = load_reward(s.db, id, user);
    const std::string status = reward ? reward->status : std::string();
    if (!reward) return "user " + user + " has no reward in " + id;
    if (status == "claiming" || status == "claimed") {
      CLSIM_SOMETIMES(ctx_.hooks, "claim_refused");
      return "user " + user + " already claimed";
    }
    if (status != "claimable" || (row->expiry_us && to_us(ctx_.clock.now()) >= *row->expiry_us))
      return "the claim window of " + id + " has closed";
    const TransactionId tx = payments_.allocate_tx_id(s.db);
    mark_claiming(s.db, id, user, tx, to_us(ctx_.clock.now()));
    timers_.arm(s, id, timer_kind::kClaimPrefix + user, ctx_.clock.now() + ctx_.options.durations.resume_after);
    s.fx.traces.emplace_back("claim_accepted", nlohmann::json{{"campaign", id}, {"user", user}});
    return {};
  });
  if (out.ok) ctx_.later(Duration(0), "claim:" + id + ":" + user, [this, id, user] { run_claim(id, user, false); });
  return to_result(out, id);
}

}  // namespace clsim::engine
