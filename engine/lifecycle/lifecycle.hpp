// The campaign lifecycle around the saga: the commands (create, update, publish,
// claim), engagement polling while RUNNING, close (final poll, rewards, then the
// refund step), claims (escrow -> user, under the payment lease) and expiry
// (unclaimed rewards go back). Each state change commits in one transaction.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine_context.hpp"
#include "engine/lifecycle/campaign_states.hpp"
#include "engine/messaging/messaging.hpp"
#include "engine/saga/payments.hpp"
#include "engine/saga/publish_saga.hpp"
#include "engine/timers/durable_timers.hpp"

namespace clsim::engine {

class Lifecycle {
 public:
  Lifecycle(EngineContext& ctx, DurableTimers& timers, Messaging& messaging, CampaignStates& states,
            Payments& payments, PublishSaga& saga)
      : ctx_(ctx), timers_(timers), messaging_(messaging), states_(states), payments_(payments), saga_(saga) {}
  Lifecycle(const Lifecycle&) = delete;
  Lifecycle& operator=(const Lifecycle&) = delete;

  CommandResult create(const CampaignSpec& spec);
  CommandResult update(const std::string& id, const CampaignUpdate& change, const std::string& by);
  CommandResult publish(const std::string& id, const std::string& by);
  CommandResult claim(const std::string& id, const std::string& user);

  // Timer work (engine_impl.cpp routes by kind).
  void begin_close(const std::string& campaign, int attempt);
  void begin_expiry(const std::string& campaign);
  void poll_round();
  void run_claim(const std::string& campaign, const std::string& user, bool recovering);

  using PollTarget = RunningTweet;  // engine/store/campaign_repo.hpp
  struct PollEnd {
    bool ok = true;
    std::optional<TimePoint> rate_limited_until;
  };

 private:
  friend class PollRun;
  void finish_close(const std::string& campaign);
  void close_retry(const std::string& campaign);
  void claim_done(const std::string& campaign, const std::string& user, const LedgerOutcome& out);
  void sync_engagements(std::vector<PollTarget> targets, std::function<void(PollEnd)> done);

  EngineContext& ctx_;
  DurableTimers& timers_;
  Messaging& messaging_;
  CampaignStates& states_;
  Payments& payments_;
  PublishSaga& saga_;
  std::set<std::string> closing_;  // campaigns whose close runs here
  std::set<std::string> claims_;   // "<campaign>/claim:<user>" being paid here
  bool polling_ = false;
  // Per running campaign, the seen marks this engine last read from or wrote to the
  // store: a poll reads the row only when the counts differ (polling.cpp).
  std::unordered_map<std::string, std::array<std::int64_t, 4>> seen_marks_;
};

}  // namespace clsim::engine
