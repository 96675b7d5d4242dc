// The engine's insides: the facade's implementation wires the components, each
// owning its own state and tables, over one shared EngineContext:
//   DurableTimers (timers/)  Messaging + CommandCapture (messaging/)
//   CampaignStates, Lifecycle (lifecycle/)  Leases, Payments, PublishSaga (saga/)
//   RuleCampaigns (rules/)   and PacedSocial (saga/) in front of the X port
// It starts and recovers them, routes fired timers and consumed messages to the
// component that owns the work, and applies a commit's effects in one order.
// Every entry point runs on the Clock's executor; nothing blocks.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/engine_context.hpp"
#include "engine/lifecycle/campaign_states.hpp"
#include "engine/lifecycle/lifecycle.hpp"
#include "engine/messaging/command_capture.hpp"
#include "engine/messaging/messaging.hpp"
#include "engine/rules/rule_campaigns.hpp"
#include "engine/saga/leases.hpp"
#include "engine/saga/paced_social.hpp"
#include "engine/saga/payments.hpp"
#include "engine/saga/publish_saga.hpp"
#include "engine/timers/durable_timers.hpp"

namespace clsim::engine {

class EngineImpl {
 public:
  EngineImpl(EnginePorts ports, EngineOptions options);
  ~EngineImpl();
  EngineImpl(const EngineImpl&) = delete;
  EngineImpl& operator=(const EngineImpl&) = delete;

  void start();
  Health health();

  // The components the facade's commands and queries go to.
  CommandCapture& capture() { return capture_; }
  Lifecycle& lifecycle() { return lifecycle_; }
  RuleCampaigns& rules() { return rules_; }
  CampaignStates& states() { return states_; }

 private:
  void open_store();
  void tick();
  void apply(TxEffects& fx);
  void dispatch_timer(const std::string& campaign, const std::string& kind);
  void resume_step(const std::string& campaign);

  // Before ctx_, whose social port it is: X calls go out through the pacer.
  PacedSocial paced_social_;
  EngineContext ctx_;  // first of the components: every one refers to it
  CommandCapture capture_;
  DurableTimers timers_;
  Messaging messaging_;
  CampaignStates states_;
  Leases leases_;
  Payments payments_;
  PublishSaga saga_;
  Lifecycle lifecycle_;
  RuleCampaigns rules_;

  int open_attempts_ = 0;
  bool started_ = false;
  TimePoint heartbeat_at_{};
};

}  // namespace clsim::engine
