// The publish saga and the escrow transfers that end a campaign's money story:
// first tweet -> contract (escrow) -> second tweet -> RUNNING; the refund of the
// unused budget at close, of the whole escrow after a failed publish, and the
// return of unclaimed rewards at expiry. Each step starts from the durable
// progress on the campaign row, so a step run twice (duplicate message, resume
// timer, restart) repeats no outside effect; a step's outside call runs only
// under its lease (Leases), so two engines never make it at once.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_context.hpp"
#include "engine/lifecycle/campaign_states.hpp"
#include "engine/messaging/messaging.hpp"
#include "engine/saga/leases.hpp"
#include "engine/saga/payments.hpp"
#include "engine/saga/tweet_call.hpp"
#include "engine/timers/durable_timers.hpp"

namespace clsim::engine {

class PublishSaga {
 public:
  PublishSaga(EngineContext& ctx, DurableTimers& timers, Messaging& messaging, CampaignStates& states,
              Leases& leases, Payments& payments)
      : ctx_(ctx), timers_(timers), messaging_(messaging), states_(states), leases_(leases), payments_(payments) {}
  PublishSaga(const PublishSaga&) = delete;
  PublishSaga& operator=(const PublishSaga&) = delete;

  // Runs the campaign's current step if it is `step`; `entry` (a bus entry) is
  // acked once the step commits. A step already in flight here is not started twice.
  void run_step(const std::string& campaign, const std::string& step, std::optional<std::string> entry);
  // Mutation skip_inbox_dedup: registers the contract again with a fresh id.
  void redo_contract_unguarded(const std::string& campaign);

 private:
  void finish_step(const std::string& campaign, const std::string& step, bool ack_waiting);
  void retry_step_later(const std::string& campaign, const std::string& step);
  void tweet_step(const CampaignRow& row, int n);
  void tweet_done(const std::string& campaign, int n, const TweetOutcome& out);
  void contract_step(const CampaignRow& row);
  void contract_done(const std::string& campaign, const LedgerOutcome& out);
  void fail_publish(TxScope& s, CampaignRow& row, const std::string& reason, const std::string& inbox_event);
  void transfer_step(const CampaignRow& row, const std::string& step);
  void transfer_done(const std::string& campaign, const std::string& step, const LedgerOutcome& out);
  void forget_dead_tx_id(const std::string& campaign, const std::string& step, const LedgerOutcome& out);
  void complete_transfer(TxScope& s, CampaignRow& row, const std::string& step);

  EngineContext& ctx_;
  DurableTimers& timers_;
  Messaging& messaging_;
  CampaignStates& states_;
  Leases& leases_;  // a tweet step's; payments take theirs through Payments
  Payments& payments_;
  // Steps being worked on by this engine, and the bus entries waiting for them to
  // finish before they are acked.
  std::map<std::string, std::vector<std::string>> inflight_;
};

}  // namespace clsim::engine
