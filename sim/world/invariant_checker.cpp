#include "sim/world/invariant_checker.hpp"

#include <algorithm>

#include "sim/world/simulation.hpp"

namespace clsim::sim {

namespace {

// The lifecycle as the simulator's own model knows it, independent of the
// engine's table: a bug in the engine's table must not hide from this check.
bool allowed(const std::string& from, const std::string& to) {
  static const std::set<std::pair<std::string, std::string>> kAllowed = {
      {"CREATED", "PUBLISHING"}, {"PUBLISHING", "RUNNING"},    {"PUBLISHING", "FAILED"},
      {"RUNNING", "CLOSED"},     {"CLOSED", "REWARD_CLAIM"}, {"REWARD_CLAIM", "EXPIRED"}};
  return kAllowed.count({from, to}) != 0;
}

bool terminal(const std::string& state) { return state == "EXPIRED" || state == "FAILED"; }

// "[c-12/1]" inside a tweet's text, the engine's per-step marker.
std::string marker_in(const std::string& text) {
  const auto open = text.rfind("[c-");
  if (open == std::string::npos) return {};
  const auto close = text.find(']', open);
  return close == std::string::npos ? std::string() : text.substr(open, close - open + 1);
}

}  // namespace

void InvariantChecker::fail(const std::string& invariant, const std::string& message) {
  if (!reported_.insert(invariant + "|" + message).second) return;
  sim_.world().add_violation(invariant, message);
}

void InvariantChecker::pass(const char* invariant, std::int64_t n) { sim_.world().invariant_stats().checked(invariant, n); }

void InvariantChecker::on_engine_event(int engine_no, std::string_view event, const nlohmann::json& fields) {
  if (event != "transition") return;
  const std::string id = fields.value("campaign", ""), from = fields.value("from", ""), to = fields.value("to", "");
  pass("valid_transitions");
  if (!allowed(from, to))
    fail("valid_transitions", "engine " + std::to_string(engine_no) + " moved " + id + " " + from + " -> " + to);
}

void InvariantChecker::scan_new_tweets() {
  const auto& tweets = sim_.twitter().tweets();
  for (; tweets_seen_ < tweets.size(); ++tweets_seen_) {
    const std::string marker = marker_in(tweets[tweets_seen_].tweet.text);
    if (marker.empty()) continue;
    pass("no_duplicate_tweet");
    if (++tweets_per_marker_[marker] > 1)
      fail("no_duplicate_tweet", "campaign step " + marker + " was tweeted " +
                                     std::to_string(tweets_per_marker_[marker]) + " times");
  }
}

void InvariantChecker::scan_new_ledger_executions() {
  const auto& done = sim_.hedera().executed();
  for (; executions_seen_ < done.size(); ++executions_seen_) {
    const auto& tx = done[executions_seen_];
    if (tx.status != engine::LedgerStatus::SUCCESS) continue;
    if (tx.to.rfind("escrow:", 0) == 0) escrow_paid_in_[tx.to] += tx.amount.minor;
    if (tx.from.rfind("escrow:", 0) == 0) {
      escrow_paid_out_[tx.from] += tx.amount.minor;
      pass("escrow_not_overdrawn");
      if (escrow_paid_out_[tx.from] > escrow_paid_in_[tx.from])
        fail("escrow_not_overdrawn", tx.from + " paid out " + std::to_string(escrow_paid_out_[tx.from]) +
                                         " but took in " + std::to_string(escrow_paid_in_[tx.from]));
    }
    if (tx.memo.rfind("clsim:", 0) != 0) continue;
    if (const auto m = tx.memo.find(":match:"); m != std::string::npos) rule_paid_out_[tx.memo.substr(6, m - 6)] += tx.amount.minor;
    const bool is_claim = tx.memo.find(":claim:") != std::string::npos;
    const bool is_contract = tx.memo.size() > 7 && tx.memo.compare(tx.memo.size() - 7, 7, ":escrow") == 0;
    const bool is_match = tx.memo.find(":match:") != std::string::npos;  // rule campaign rewards
    const char* name = is_claim      ? "single_payment"
                       : is_match    ? "single_match"
                       : is_contract ? "single_contract"
                                     : "single_transfer";
    pass(name);
    if (++executions_per_memo_[tx.memo] > 1)
      fail(name, "ledger executed '" + tx.memo + "' " + std::to_string(executions_per_memo_[tx.memo]) + " times");
  }
}

void InvariantChecker::after_event() {
  scan_new_tweets();
  scan_new_ledger_executions();
  const auto& conflicts = sim_.hub().seq_conflicts();
  for (; conflicts_seen_ < conflicts.size(); ++conflicts_seen_) fail("update_sequence", conflicts[conflicts_seen_]);
  if (++events_ - last_full_ >= full_every_) {
    last_full_ = events_;
    full_sweep();
  }
}

// The store's numbering of each campaign's updates is 1..n, and every number a
// client was sent is the store's update of that number: no update was sent and
// then lost, or numbered again for another state.
void InvariantChecker::check_update_sequence(const std::vector<engine::CampaignRecord>& campaigns) {
  auto& reader = sim_.reader();
  const auto& sent = sim_.hub().sent_states();
  for (const auto& c : campaigns) {
    const std::string& id = c.id;
    pass("update_sequence");
    const auto updates = reader.updates_since(id, 0);  // ordered by seq
    if (!reader.last_error().empty()) return;
    bool numbered = true;
    for (std::size_t i = 0; i < updates.size() && numbered; ++i)
      if (updates[i].seq != std::int64_t(i) + 1) {
        fail("update_sequence", id + ": update " + std::to_string(i + 1) + " is numbered " + std::to_string(updates[i].seq));
        numbered = false;
      }
    if (!numbered) continue;
    // Numbered 1..n: update `seq` is updates[seq - 1].
    for (auto it = sent.lower_bound({id, 0}); it != sent.end() && it->first.first == id; ++it) {
      const std::int64_t seq = it->first.second;
      const bool stored = seq >= 1 && seq <= std::int64_t(updates.size());
      if (!stored || updates[std::size_t(seq - 1)].state != it->second)
        fail("update_sequence", id + " seq " + std::to_string(seq) + " was sent as " + it->second + " but the store has " +
                                    (stored ? updates[std::size_t(seq - 1)].state : std::string("no such update")));
    }
  }
}

void InvariantChecker::full_sweep() {
  auto& hedera = sim_.hedera();
  pass("ledger_supply");
  if (hedera.accounts().sum_balances() != hedera.total_minted())
    fail("ledger_supply", "balances sum to " + std::to_string(hedera.accounts().sum_balances().minor) +
                              " but " + std::to_string(hedera.total_minted().minor) + " was minted");
  check_rule_budgets();
  auto& reader = sim_.reader();
  const auto campaigns = reader.campaign_books();
  if (!reader.last_error().empty()) return;  // the disk is down; the next sweep will see
  full_every_ = std::max<std::uint64_t>(kFullEvery, 2 * campaigns.size());
  std::map<std::string, int> close_timers;
  for (const auto& t : reader.timers())
    if (t.kind == "close") ++close_timers[t.campaign_id];
  // A failed read comes back empty: that is no evidence of zero close timers.
  const bool timers_read = reader.last_error().empty();
  if (!timers_read) sim_.world().coverage().sometimes("checker_timers_read_failed");
  for (const auto& c : campaigns) {
    pass("money_conserved");
    const std::int64_t books = c.claimed.minor + c.refunded.minor + c.returned.minor + c.claimable.minor + c.in_flight.minor;
    if (c.escrowed.minor > 0 && books != c.escrowed.minor && c.state != "RUNNING" && c.state != "PUBLISHING")
      fail("money_conserved", c.id + " (" + c.state + "): escrowed " + std::to_string(c.escrowed.minor) +
                                  " but claimed+refunded+returned+claimable+in flight = " + std::to_string(books));
    if (c.state == "RUNNING" && timers_read) {
      pass("one_close_timer");
      if (close_timers[c.id] != 1)
        fail("one_close_timer", c.id + " is RUNNING with " + std::to_string(close_timers[c.id]) + " close timers");
    }
  }
}

// Rule campaigns: what the store calls paid and what the ledger moved out of the
// escrow for matches both stay within the budget.
void InvariantChecker::check_rule_budgets() {
  auto& reader = sim_.reader();
  const auto rules = reader.rule_campaigns();
  if (!reader.last_error().empty()) return;
  for (const auto& r : rules) {
    pass("rule_budget");
    const std::int64_t on_ledger = rule_paid_out_[r.id];
    if (r.paid > r.budget || r.reserved > r.budget || on_ledger > r.budget.minor)
      fail("rule_budget", r.id + ": budget " + std::to_string(r.budget.minor) + " but paid " +
                              std::to_string(r.paid.minor) + ", reserved " + std::to_string(r.reserved.minor) +
                              ", ledger paid " + std::to_string(on_ledger));
  }
}

void InvariantChecker::final_check(bool quiet) {
  scan_new_tweets();
  scan_new_ledger_executions();
  full_sweep();
  auto& reader = sim_.reader();
  const auto campaigns = reader.campaigns();
  if (!reader.last_error().empty()) {
    fail("store_readable", "the store could not be read at the end: " + reader.last_error());
    return;
  }
  std::string stuck;
  for (const auto& c : campaigns) {
    if (c.state != "CREATED" && !terminal(c.state)) stuck += (stuck.empty() ? "" : ", ") + c.id + " " + c.state;
    if (!terminal(c.state)) continue;
    pass("money_settled");
    const std::int64_t balance = sim_.hedera().balance("escrow:" + c.id).minor;
    if (balance != 0) fail("money_settled", c.id + " is " + c.state + " with " + std::to_string(balance) + " left in escrow");
    if (c.escrowed.minor > 0 && c.claimed.minor + c.refunded.minor + c.returned.minor != c.escrowed.minor)
      fail("money_settled", c.id + ": claimed + refunded + returned != escrowed budget");
  }
  for (const auto& e : reader.customer_events()) {
    pass("events_settled");
    if (e.status != "done" && e.status != "dead")
      fail("events_settled", "customer event " + e.event_id + " ended " + e.status + " (trace " + e.trace_id + ")");
  }
  for (const auto& d : reader.dead_letters()) {
    pass("dead_letter_reason");
    if (d.reason != "poison" && d.reason != "retries_exhausted")
      fail("dead_letter_reason", d.event_id + " dead-lettered for '" + d.reason + "'");
  }
  for (const auto& r : reader.rule_campaigns())
    if (r.state != "ENDED") stuck += (stuck.empty() ? "" : ", ") + r.id + " " + r.state;
  pass("liveness");
  if (!stuck.empty()) fail("liveness", "campaigns not finished at the end: " + stuck);
  else if (!quiet) fail("liveness", "foreground work still pending at max_time");
  check_update_sequence(campaigns);
  pass("clients_converge");
  if (quiet)
    for (const auto& lag : sim_.hub().lagging_views()) fail("clients_converge", "a dashboard view lags the engine: " + lag);
  pass("outbox_drained");
  if (quiet && reader.outbox_backlog() > 0)
    fail("outbox_drained", std::to_string(reader.outbox_backlog()) + " outbox rows never published");
}

}  // namespace clsim::sim
