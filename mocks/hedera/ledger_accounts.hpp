// The mock ledger's account balances and its supply. Accounts first named in a
// transaction are created with a minted starting balance (escrow accounts start
// empty), so the supply invariant is sum(balances) == total minted.
#pragma once
#include <map>
#include <string>

#include "engine/core/money.hpp"
#include "mocks/hedera/hedera_config.hpp"

namespace clsim::mocks {

class LedgerAccounts {
 public:
  explicit LedgerAccounts(const HederaConfig& config);

  // Creates the account on first use; returns its balance.
  engine::Money touch(const std::string& account);
  bool exists(const std::string& account) const { return balances_.count(account) != 0; }
  // The balance, or for an account not created yet the balance it would start with.
  engine::Money balance(const std::string& account) const;
  // Moves amount (>= 0) from -> to; false, and nothing moves, when `from` is short.
  bool move(const std::string& from, const std::string& to, engine::Money amount);

  const std::map<std::string, engine::Money>& balances() const { return balances_; }
  engine::Money total_minted() const { return minted_; }
  // Summed afresh, so a check against total_minted() is a real check.
  engine::Money sum_balances() const;

 private:
  engine::Money starting_balance(const std::string& account) const;

  engine::Money unnamed_start_;
  std::string escrow_prefix_;
  std::map<std::string, engine::Money> balances_;
  engine::Money minted_{};
};

}  // namespace clsim::mocks
