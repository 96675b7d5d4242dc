#include "engine/lifecycle/campaign_states.hpp"

#include "engine/domain/transitions.hpp"

namespace clsim::engine {

void CampaignStates::move(TxScope& s, CampaignRow& row, CampaignState to, const std::string& reason) {
  CLSIM_ASSERT(ctx_.hooks, transition_allowed(row.state, to),
               std::string("illegal transition of ") + row.id + ": " + to_string(row.state) + " -> " + to_string(to));
  s.db.prepare("INSERT INTO transitions (campaign_id, from_state, to_state, reason, at_us) VALUES (?, ?, ?, ?, ?)")
      .bind(1, row.id)
      .bind(2, to_string(row.state))
      .bind(3, to_string(to))
      .bind(4, reason)
      .bind(5, to_us(ctx_.clock.now()))
      .run();
  s.fx.traces.emplace_back("transition", nlohmann::json{{"campaign", row.id},
                                                        {"from", to_string(row.state)},
                                                        {"to", to_string(to)},
                                                        {"reason", reason}});
  row.state = to;
}

void CampaignStates::persist(TxScope& s, const CampaignRow& row, bool notify) {
  // Money of a campaign never goes negative, and the escrow never pays out more
  // than went in.
  CLSIM_ASSERT(ctx_.hooks,
               row.budget.minor >= 0 && row.escrowed.minor >= 0 && row.refund_amount.minor >= 0 &&
                   row.refunded.minor >= 0 && row.return_amount.minor >= 0 && row.returned.minor >= 0 &&
                   row.claimed.minor >= 0,
               "negative money on " + row.id);
  CLSIM_ASSERT(ctx_.hooks, row.escrowed.minor <= row.budget.minor, "escrow above the budget of " + row.id);
  save_campaign(s.db, row);
  if (!notify) return;
  auto& q = s.db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM state_updates WHERE campaign_id = ?");
  q.bind(1, row.id);
  q.step();
  const std::int64_t seq = q.int_at(0);
  q.reset();
  StateUpdate u{row.id, seq, to_string(row.state), campaign_view(row), ctx_.clock.now()};
  s.db.prepare("INSERT INTO state_updates (campaign_id, seq, state, view, at_us) VALUES (?, ?, ?, ?, ?)")
      .bind(1, row.id)
      .bind(2, seq)
      .bind(3, u.state)
      .bind(4, u.view.dump())
      .bind(5, to_us(u.at))
      .run();
  s.fx.updates.push_back(std::move(u));
}

void CampaignStates::committed(const TxEffects& fx) {
  for (const auto& u : fx.updates) {
    auto it = last_seq_.try_emplace(u.campaign_id, 0).first;
    CLSIM_ASSERT(ctx_.hooks, u.seq > it->second,
                 "state update " + std::to_string(u.seq) + " of " + u.campaign_id + " after " +
                     std::to_string(it->second));
    it->second = u.seq;
    // EXPIRED and FAILED have no way out: no later update to check, nothing to keep.
    if (u.state == to_string(CampaignState::EXPIRED) || u.state == to_string(CampaignState::FAILED))
      last_seq_.erase(it);
  }
}

std::vector<StateUpdate> CampaignStates::updates_since(const std::string& id, std::int64_t seq) {
  std::vector<StateUpdate> out;
  if (!ctx_.db) return out;
  try {
    out = load_updates_since(*ctx_.db, id, seq);
  } catch (const StoreError&) {
    out.clear();
  }
  return out;
}

}  // namespace clsim::engine
