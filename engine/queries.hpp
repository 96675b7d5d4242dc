// Read-only view of an engine store for the simulator's queries and invariants.
// It opens its own connection (same path and VFS as the engines), so it works
// while every engine is crashed. Reads never change the store.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace clsim::engine {

class SqliteDb;

struct CampaignRecord {
  std::string id, owner, state, text;
  std::string step;  // saga step in progress ("" none)
  Money budget;
  Rates rates;
  std::optional<std::string> first_tweet_id, second_tweet_id;
  std::optional<std::string> contract_tx_id;  // "<payer>@<s>.<ns>", once chosen
  bool contract_done = false;
  std::optional<std::int64_t> start_us, close_us, expiry_us;
  Money escrowed;   // budget once the contract succeeded, else 0
  Money refunded;   // unused budget (close) or all of it (failed publish), once transferred
  Money refund_pending;  // decided at close / failure, not yet transferred
  Money returned;   // unclaimed rewards sent back at expiry
  Money claimed;    // rewards paid to users
  Money claimable;  // rewards still claimable
  Money in_flight;  // claims being paid + rewards being returned + refund_pending
};

struct RewardRecord {
  std::string user;
  Money amount;
  std::string status;  // claimable | claiming | claimed | returning | returned
};

struct TransitionRecord {
  std::int64_t seq = 0;
  std::string campaign_id, from, to, reason;
  std::int64_t at_us = 0;
};

struct TimerRecord {
  std::string campaign_id, kind;  // the global poll timer has campaign_id "*"
  std::int64_t due_us = 0;
};

// Rule campaigns (engine/rules/). reserved = paid + being paid + failed payments.
struct RuleCampaignRecord {
  std::string id, owner, state;  // ACTIVE | ENDED
  Money budget, paid, reserved, refunded;
  bool funded = false;
  std::int64_t start_us = 0, end_us = 0;
};

struct RuleMatchRecord {
  std::string campaign_id, event_id, user;
  Money reward;
  std::string status;  // pending | paid | unpaid | failed (stored); the Lua view shows paid | unpaid
  std::string reason, trace_id;
};

struct DeadLetterRecord {
  std::string event_id, reason, message;  // reason: poison | retries_exhausted
  std::int64_t attempts = 0;
};

struct CustomerEventRecord {
  std::string event_id, type, user, status, trace_id;  // status: queued | matching | done | dead
  std::int64_t attempts = 0, intake_us = 0;
};

class StoreReader {
 public:
  // `storage` must outlive the reader; a connection is opened on first read.
  explicit StoreReader(Storage& storage);
  ~StoreReader();
  StoreReader(const StoreReader&) = delete;
  StoreReader& operator=(const StoreReader&) = delete;

  std::optional<CampaignRecord> campaign(const std::string& id);
  std::vector<CampaignRecord> campaigns();  // in id order
  // The same list with only id, state, step and the money fields set.
  std::vector<CampaignRecord> campaign_books();
  // Statuses as the Lua API shows them: claimable (claiming and returning included,
  // they are not final), claimed, returned.
  std::vector<RewardView> rewards(const std::string& id);
  std::vector<RewardRecord> reward_records(const std::string& id);
  std::vector<std::string> tweets(const std::string& id);
  std::vector<TransitionRecord> transitions(std::int64_t after_seq = 0);  // commit order
  std::int64_t outbox_backlog();
  std::vector<TimerRecord> timers();  // by due time
  std::map<std::string, std::int64_t> max_update_seq();
  std::vector<StateUpdate> updates_since(const std::string& id, std::int64_t seq);

  std::vector<RuleCampaignRecord> rule_campaigns();  // in id order
  std::vector<RuleMatchRecord> rule_matches(const std::string& campaign_id);  // "" for all
  std::vector<DeadLetterRecord> dead_letters();  // in event id order
  std::vector<CustomerEventRecord> customer_events();  // in event id order

  // The last read's error ("" when it succeeded): an unreadable store is not an empty one.
  const std::string& last_error() const { return error_; }

 private:
  SqliteDb* db();
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<SqliteDb&>()));

  Storage& storage_;
  std::unique_ptr<SqliteDb> db_;
  std::string error_;
};

}  // namespace clsim::engine
