// The rewards table, owned by the campaign lifecycle: a reward per (campaign,
// user) computed at close, claimable -> claiming -> claimed (or back to claimable
// when the ledger says for certain nothing was paid), and claimable -> returning
// -> returned at expiry. Every function runs inside the caller's transaction or
// read and throws StoreError.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "engine/store/campaign_repo.hpp"

namespace clsim::engine {

struct RewardRow {
  std::string status;  // claimable | claiming | claimed | returning | returned
  Money amount;
  StoredTxId tx;  // the claim's transaction id, chosen when the claim was accepted
};

std::optional<RewardRow> load_reward(SqliteDb& db, const std::string& campaign, const std::string& user);
void insert_claimable(SqliteDb& db, const std::string& campaign, const std::string& user, Money amount,
                      std::int64_t now_us);
void mark_claiming(SqliteDb& db, const std::string& campaign, const std::string& user, const TransactionId& tx,
                   std::int64_t now_us);
// Replaces a claim's transaction id while it is claiming; false when it is not.
bool save_claim_tx(SqliteDb& db, const std::string& campaign, const std::string& user, const TransactionId& tx);
void mark_claimed(SqliteDb& db, const std::string& campaign, const std::string& user, const TransactionId& tx,
                  std::int64_t now_us);
void mark_claimable_again(SqliteDb& db, const std::string& campaign, const std::string& user, std::int64_t now_us);

struct RewardTally {
  std::int64_t claiming = 0;        // claims in flight
  std::int64_t unclaimed_minor = 0; // the sum of claimable rewards
};
RewardTally tally_rewards(SqliteDb& db, const std::string& campaign);
// Every claimable reward of the campaign starts returning / has been returned.
void mark_returning(SqliteDb& db, const std::string& campaign, std::int64_t now_us);
void mark_returned(SqliteDb& db, const std::string& campaign, std::int64_t now_us);

}  // namespace clsim::engine
