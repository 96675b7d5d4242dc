// A campaign's state changes: every move is checked against the transition table
// and audited (transitions), every notified save numbers a state update 1, 2, ...
// per campaign (state_updates) for live clients and their resync.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/engine_context.hpp"
#include "engine/store/campaign_repo.hpp"

namespace clsim::engine {

class CampaignStates {
 public:
  explicit CampaignStates(EngineContext& ctx) : ctx_(ctx) {}
  // Inside a transaction. Asserts the transition is allowed.
  void move(TxScope& s, CampaignRow& row, CampaignState to, const std::string& reason);
  // Saves the row; with `notify`, also its next numbered state update.
  void persist(TxScope& s, const CampaignRow& row, bool notify);
  // After a commit: each campaign's update numbers only grow (asserted).
  void committed(const TxEffects& fx);
  // State updates after `seq`, in order ([] when the store cannot be read).
  std::vector<StateUpdate> updates_since(const std::string& id, std::int64_t seq);

 private:
  EngineContext& ctx_;
  // The last update number this engine committed, per campaign not yet final.
  std::map<std::string, std::int64_t> last_seq_;
};

}  // namespace clsim::engine
