#include "engine/store/schema.hpp"

#include <iterator>

namespace clsim::engine {

namespace {

// Append only: never edit a migration that has shipped.
constexpr const char* kMigrations[] = {
    // 1: campaigns and their audit trail.
    R"sql(
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, text TEXT NOT NULL, budget INTEGER NOT NULL,
  rate_like INTEGER NOT NULL, rate_retweet INTEGER NOT NULL, rate_quote INTEGER NOT NULL,
  rate_reply INTEGER NOT NULL, duration_us INTEGER NOT NULL, claim_window_us INTEGER NOT NULL,
  state TEXT NOT NULL, step TEXT NOT NULL DEFAULT '', created_us INTEGER NOT NULL,
  update_count INTEGER NOT NULL DEFAULT 0,
  first_tweet_id TEXT, first_tweet_attempts INTEGER NOT NULL DEFAULT 0,
  second_tweet_id TEXT, second_tweet_attempts INTEGER NOT NULL DEFAULT 0,
  contract_tx_payer TEXT, contract_tx_start_us INTEGER, contract_done INTEGER NOT NULL DEFAULT 0,
  escrowed INTEGER NOT NULL DEFAULT 0,
  refund_amount INTEGER NOT NULL DEFAULT 0, refund_tx_payer TEXT, refund_tx_start_us INTEGER,
  refunded INTEGER NOT NULL DEFAULT 0,
  return_amount INTEGER NOT NULL DEFAULT 0, return_tx_payer TEXT, return_tx_start_us INTEGER,
  returned INTEGER NOT NULL DEFAULT 0,
  claimed INTEGER NOT NULL DEFAULT 0,
  start_us INTEGER, close_us INTEGER, expiry_us INTEGER,
  seen_like INTEGER NOT NULL DEFAULT 0, seen_retweet INTEGER NOT NULL DEFAULT 0,
  seen_quote INTEGER NOT NULL DEFAULT 0, seen_reply INTEGER NOT NULL DEFAULT 0,
  fail_reason TEXT NOT NULL DEFAULT '');
CREATE TABLE transitions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id TEXT NOT NULL REFERENCES campaigns(id),
  from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL, at_us INTEGER NOT NULL);
CREATE TABLE state_updates (
  campaign_id TEXT NOT NULL REFERENCES campaigns(id), seq INTEGER NOT NULL, state TEXT NOT NULL,
  view TEXT NOT NULL, at_us INTEGER NOT NULL, PRIMARY KEY (campaign_id, seq));
)sql",
    // 2: messaging (transactional outbox, consumer inbox).
    R"sql(
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
  campaign_id TEXT NOT NULL, payload TEXT NOT NULL, created_us INTEGER NOT NULL,
  published INTEGER NOT NULL DEFAULT 0, published_us INTEGER);
CREATE INDEX outbox_unpublished ON outbox (published, seq);
CREATE TABLE inbox (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, processed_us INTEGER NOT NULL,
  consumer TEXT NOT NULL);
)sql",
    // 3: durable timers and the heartbeat.
    R"sql(
CREATE TABLE timers (
  campaign_id TEXT NOT NULL, kind TEXT NOT NULL, due_us INTEGER NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '', lease_until_us INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, kind));
CREATE TABLE heartbeats (engine TEXT PRIMARY KEY, at_us INTEGER NOT NULL);
)sql",
    // 4: engagements and rewards.
    R"sql(
CREATE TABLE engagements (
  campaign_id TEXT NOT NULL REFERENCES campaigns(id), user_id TEXT NOT NULL, kind TEXT NOT NULL,
  at_us INTEGER NOT NULL, PRIMARY KEY (campaign_id, user_id, kind));
CREATE TABLE rewards (
  campaign_id TEXT NOT NULL REFERENCES campaigns(id), user_id TEXT NOT NULL, amount INTEGER NOT NULL,
  status TEXT NOT NULL, tx_payer TEXT, tx_start_us INTEGER, updated_us INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, user_id));
)sql",
    // 5: rule campaigns, customer events, their matches and dead letters.
    R"sql(
CREATE TABLE rule_campaigns (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, budget INTEGER NOT NULL, rules TEXT NOT NULL,
  state TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
  fund_tx_payer TEXT, fund_tx_start_us INTEGER, funded INTEGER NOT NULL DEFAULT 0,
  refund_amount INTEGER NOT NULL DEFAULT 0, refund_tx_payer TEXT, refund_tx_start_us INTEGER,
  refunded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE customer_events (
  event_id TEXT PRIMARY KEY, type TEXT NOT NULL, user_id TEXT NOT NULL, payload TEXT NOT NULL,
  trace_id TEXT NOT NULL, intake_us INTEGER NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, updated_us INTEGER NOT NULL);
CREATE TABLE rule_matches (
  campaign_id TEXT NOT NULL REFERENCES rule_campaigns(id), event_id TEXT NOT NULL, user_id TEXT NOT NULL,
  rule_index INTEGER NOT NULL, reward INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
  trace_id TEXT NOT NULL, tx_payer TEXT, tx_start_us INTEGER, at_us INTEGER NOT NULL,
  UNIQUE (campaign_id, event_id));
CREATE TABLE dead_letters (
  event_id TEXT PRIMARY KEY, reason TEXT NOT NULL, message TEXT NOT NULL, attempts INTEGER NOT NULL,
  at_us INTEGER NOT NULL);
)sql",
    // 6: payment ownership, so only one engine drives a payment (and may
      // replace its transaction id) at a time.
    R"sql(
CREATE TABLE payment_leases (memo TEXT PRIMARY KEY, owner TEXT NOT NULL, until_us INTEGER NOT NULL);
)sql",
    // 7: a change number on each timer row (from one counter, in commit order), so
      // an engine's sweep reads only the timers armed since its last sweep.
    R"sql(
ALTER TABLE timers ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX timers_changed ON timers (changed);
CREATE TABLE timer_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO timer_changes (id, n) VALUES (1, 0);
)sql",
    // 8: payment leases become leases of any outside work (a payment keyed by its
      // memo, a tweet step by "tweet:c-N:<n>"); the rows an older engine wrote stay.
    R"sql(
ALTER TABLE payment_leases RENAME TO leases;
ALTER TABLE leases RENAME COLUMN memo TO key;
)sql",
    // 9: the rule path without scans that grow with the store: an event's matches
      // by event id, and each rule campaign's reserved total (the rewards of its
      // pending, paid and failed matches) kept on its row instead of summed per match.
    R"sql(
CREATE INDEX rule_matches_event ON rule_matches (event_id);
ALTER TABLE rule_campaigns ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
UPDATE rule_campaigns SET reserved = (SELECT COALESCE(SUM(reward), 0) FROM rule_matches
  WHERE campaign_id = rule_campaigns.id AND status IN ('pending', 'paid', 'failed'));
)sql",
    // 10: the running campaigns' poll targets in an index of their own, so a poll
      // lists them without walking every campaign row (6% of a 1,000-campaign week).
      // `state` is a column too: SQLite 3.40 counts an index as covering only if it
      // holds every column the WHERE names, its own condition's included.
    R"sql(
CREATE INDEX campaigns_running ON campaigns (id, first_tweet_id, owner, state)
  WHERE state = 'RUNNING' AND first_tweet_id IS NOT NULL;
)sql",
};

}  // namespace

int schema_version_latest() { return int(std::size(kMigrations)); }

void migrate(SqliteDb& db) {
  {
    Transaction tx(db);
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_us INTEGER NOT NULL)");
    tx.commit();
  }
  for (int v = 1; v <= schema_version_latest(); ++v) {
    Transaction tx(db);
    auto& q = db.prepare("SELECT COUNT(*) FROM schema_version WHERE version = ?");
    q.bind(1, std::int64_t(v));
    q.step();
    const bool applied = q.int_at(0) > 0;
    q.reset();
    if (applied) continue;
    db.exec(kMigrations[size_t(v - 1)]);
    // applied_us is 0: migrations do not depend on time, and the store takes none it is not given.
    db.prepare("INSERT INTO schema_version (version, applied_us) VALUES (?, 0)").bind(1, std::int64_t(v)).run();
    tx.commit();
  }
}

}  // namespace clsim::engine
