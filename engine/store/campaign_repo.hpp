// The campaign row as the engine keeps it, and its load/insert/save. The row
// holds the durable per-step progress (tweet ids and attempts, the chosen ledger
// transaction ids) that makes every saga step idempotent across crashes.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "engine/store/sqlite_db.hpp"

namespace clsim::engine {

struct StoredTxId {
  std::optional<std::string> payer;
  std::optional<std::int64_t> start_us;
  bool set() const { return payer && start_us; }
  TransactionId id() const { return TransactionId{payer.value_or(""), from_us(start_us.value_or(0))}; }
  static StoredTxId of(const TransactionId& t) { return {t.payer, to_us(t.valid_start)}; }
};

struct CampaignRow {
  std::string id, owner, text;
  Money budget;
  Rates rates;
  Duration duration{}, claim_window{};
  CampaignState state = CampaignState::CREATED;
  std::string step;  // the saga step in progress, "" when none
  std::int64_t created_us = 0, update_count = 0;
  std::optional<std::string> first_tweet_id, second_tweet_id;
  std::int64_t first_tweet_attempts = 0, second_tweet_attempts = 0;
  StoredTxId contract_tx;
  bool contract_done = false;
  Money escrowed, refund_amount, refunded, return_amount, returned, claimed;
  StoredTxId refund_tx, return_tx;
  std::optional<std::int64_t> start_us, close_us, expiry_us;
  std::int64_t seen[4] = {0, 0, 0, 0};  // last engagement counts seen, by EngagementKind
  std::string fail_reason;
};

std::optional<CampaignRow> load_campaign(SqliteDb& db, const std::string& id);
// Every campaign, in id order.
std::vector<CampaignRow> load_campaigns(SqliteDb& db);
// The same, with only id, state, step and the money columns read.
std::vector<CampaignRow> load_campaign_books(SqliteDb& db);
bool campaign_exists(SqliteDb& db, const std::string& id);
void insert_campaign(SqliteDb& db, const CampaignRow& row);
void save_campaign(SqliteDb& db, const CampaignRow& row);

// RUNNING campaigns with their first tweet, in id order: what polling reads.
struct RunningTweet {
  std::string campaign, tweet_id, owner;
};
std::vector<RunningTweet> running_tweets(SqliteDb& db);
// Its query, which the campaigns_running index (schema 10) answers on its own.
extern const char* const kRunningTweetsSql;
// Whether a campaign is RUNNING and its last engagement counts seen: all a poll
// needs to choose what to fetch, without reading the row's 40 columns.
struct SeenMarks {
  bool running = false;
  std::array<std::int64_t, 4> seen{};
};
// The marks of every listed campaign that exists, by id, in one statement (a poll
// reads up to 100 at once).
std::unordered_map<std::string, SeenMarks> load_seen_marks(SqliteDb& db, const std::vector<std::string>& ids);
bool any_running(SqliteDb& db);
// A paid claim adds to the campaign's claimed total.
void add_claimed(SqliteDb& db, const std::string& id, Money amount);
// A poll's two touches of the row: whether it is RUNNING, and its seen marks (by
// kind 0..3 as EngagementKind; an empty mark is left as it is), without reading
// the other columns.
bool campaign_running(SqliteDb& db, const std::string& id);
void save_seen_marks(SqliteDb& db, const std::string& id, const std::array<std::optional<std::int64_t>, 4>& marks);

// A campaign's state updates after `seq`, in order. Throws StoreError.
std::vector<StateUpdate> load_updates_since(SqliteDb& db, const std::string& id, std::int64_t seq);

// The full view sent with every state update.
nlohmann::json campaign_view(const CampaignRow& row);

// The next value of a named counter (1, 2, ...), inside the caller's transaction.
std::int64_t next_counter(SqliteDb& db, const std::string& name);

}  // namespace clsim::engine
