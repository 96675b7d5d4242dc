#include "engine/lifecycle/reward_repo.hpp"

namespace clsim::engine {

std::optional<RewardRow> load_reward(SqliteDb& db, const std::string& campaign, const std::string& user) {
  auto& q = db.prepare("SELECT status, amount, tx_payer, tx_start_us FROM rewards WHERE campaign_id = ? AND "
                       "user_id = ?");
  q.bind(1, campaign).bind(2, user);
  std::optional<RewardRow> r;
  if (q.step()) r = RewardRow{q.text_at(0), Money(q.int_at(1)), StoredTxId{q.opt_text(2), q.opt_int(3)}};
  q.reset();
  return r;
}

void insert_claimable(SqliteDb& db, const std::string& campaign, const std::string& user, Money amount,
                      std::int64_t now_us) {
  db.prepare("INSERT INTO rewards (campaign_id, user_id, amount, status, updated_us) VALUES (?, ?, ?, 'claimable', ?)")
      .bind(1, campaign)
      .bind(2, user)
      .bind(3, amount.minor)
      .bind(4, now_us)
      .run();
}

namespace {
void set_claim(SqliteDb& db, const char* status, const std::string& campaign, const std::string& user,
               const TransactionId& tx, std::int64_t now_us) {
  db.prepare("UPDATE rewards SET status = ?, tx_payer = ?, tx_start_us = ?, updated_us = ? "
             "WHERE campaign_id = ? AND user_id = ?")
      .bind(1, status)
      .bind(2, tx.payer)
      .bind(3, to_us(tx.valid_start))
      .bind(4, now_us)
      .bind(5, campaign)
      .bind(6, user)
      .run();
}
}  // namespace

void mark_claiming(SqliteDb& db, const std::string& campaign, const std::string& user, const TransactionId& tx,
                   std::int64_t now_us) {
  set_claim(db, "claiming", campaign, user, tx, now_us);
}

bool save_claim_tx(SqliteDb& db, const std::string& campaign, const std::string& user, const TransactionId& tx) {
  db.prepare("UPDATE rewards SET tx_payer = ?, tx_start_us = ? WHERE campaign_id = ? AND user_id = ? "
             "AND status = 'claiming'")
      .bind(1, tx.payer)
      .bind(2, to_us(tx.valid_start))
      .bind(3, campaign)
      .bind(4, user)
      .run();
  return db.changes() > 0;
}

void mark_claimed(SqliteDb& db, const std::string& campaign, const std::string& user, const TransactionId& tx,
                  std::int64_t now_us) {
  set_claim(db, "claimed", campaign, user, tx, now_us);
}

void mark_claimable_again(SqliteDb& db, const std::string& campaign, const std::string& user, std::int64_t now_us) {
  db.prepare("UPDATE rewards SET status = 'claimable', tx_payer = NULL, tx_start_us = NULL, updated_us = ? "
             "WHERE campaign_id = ? AND user_id = ?")
      .bind(1, now_us)
      .bind(2, campaign)
      .bind(3, user)
      .run();
}

RewardTally tally_rewards(SqliteDb& db, const std::string& campaign) {
  auto& q = db.prepare(
      "SELECT COALESCE(SUM(CASE WHEN status = 'claiming' THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN status = 'claimable' THEN amount ELSE 0 END), 0) FROM rewards WHERE campaign_id = ?");
  q.bind(1, campaign);
  q.step();
  const RewardTally t{q.int_at(0), q.int_at(1)};
  q.reset();
  return t;
}

void mark_returning(SqliteDb& db, const std::string& campaign, std::int64_t now_us) {
  db.prepare("UPDATE rewards SET status = 'returning', updated_us = ? WHERE campaign_id = ? AND status = 'claimable'")
      .bind(1, now_us)
      .bind(2, campaign)
      .run();
}

void mark_returned(SqliteDb& db, const std::string& campaign, std::int64_t now_us) {
  db.prepare("UPDATE rewards SET status = 'returned', updated_us = ? WHERE campaign_id = ? AND status = 'returning'")
      .bind(1, now_us)
      .bind(2, campaign)
      .run();
}

}  // namespace clsim::engine
