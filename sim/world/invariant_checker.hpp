// The invariant catalogue, checked against what the mocks saw (not only what the
// engine says of itself): valid transitions only, the ledger's supply, at most
// one tweet per campaign step, at most one execution per ledger memo (contract,
// claim, refund, return), an escrow never paying out more than it took in, one
// close timer per RUNNING campaign, update numbers that never carry two states,
// and at the end liveness, a drained outbox, settled money and gapless update
// numbering. Cheap checks run on every event that can break them; the full
// sweep runs every kFullEvery events and at the end, so cost stays linear.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/queries.hpp"

namespace clsim::sim {

class Simulation;

class InvariantChecker {
 public:
  static constexpr std::uint64_t kFullEvery = 2048;

  explicit InvariantChecker(Simulation& sim) : sim_(sim) {}

  // An engine's structured trace event (transitions are checked here).
  void on_engine_event(int engine_no, std::string_view event, const nlohmann::json& fields);
  // After every processed world event.
  void after_event();
  // The end of a run: everything, plus liveness and settlement.
  void final_check(bool quiet);

 private:
  void scan_new_tweets();
  void scan_new_ledger_executions();
  void full_sweep();
  void check_rule_budgets();
  void check_update_sequence(const std::vector<engine::CampaignRecord>& campaigns);
  void fail(const std::string& invariant, const std::string& message);
  void pass(const char* invariant, std::int64_t n = 1);

  Simulation& sim_;
  std::size_t tweets_seen_ = 0;
  std::size_t executions_seen_ = 0;
  std::map<std::string, std::int64_t> tweets_per_marker_;
  std::map<std::string, std::int64_t> executions_per_memo_;
  std::map<std::string, std::int64_t> escrow_paid_in_;
  std::map<std::string, std::int64_t> escrow_paid_out_;
  std::map<std::string, std::int64_t> rule_paid_out_;  // match payments on the ledger, by rule campaign
  std::set<std::string> reported_;  // one violation per (invariant, subject)
  std::uint64_t events_ = 0;
  // Events between periodic full sweeps: kFullEvery, or twice the campaigns the
  // last sweep read when that is more, so that a sweep's cost (every campaign)
  // over the events it covers stays flat as a world grows. A fixed period made
  // a 10,000-campaign week quadratic; worlds of up to 1,024 campaigns sweep as
  // they always did.
  std::uint64_t full_every_ = kFullEvery;
  std::uint64_t last_full_ = 0;
  std::size_t conflicts_seen_ = 0;
};

}  // namespace clsim::sim
