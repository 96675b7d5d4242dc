#include "mocks/hedera/ledger_accounts.hpp"

#include <stdexcept>

namespace clsim::mocks {

LedgerAccounts::LedgerAccounts(const HederaConfig& config)
    : unnamed_start_(config.unnamed_start), escrow_prefix_(config.escrow_prefix) {
  for (const auto& [name, start] : config.accounts) {
    balances_[name] = start;
    minted_ += start;
  }
}

engine::Money LedgerAccounts::starting_balance(const std::string& account) const {
  return account.starts_with(escrow_prefix_) ? engine::Money{} : unnamed_start_;
}

engine::Money LedgerAccounts::touch(const std::string& account) {
  auto it = balances_.find(account);
  if (it != balances_.end()) return it->second;
  const engine::Money start = starting_balance(account);
  balances_.emplace(account, start);
  minted_ += start;
  return start;
}

engine::Money LedgerAccounts::balance(const std::string& account) const {
  auto it = balances_.find(account);
  return it == balances_.end() ? starting_balance(account) : it->second;
}

bool LedgerAccounts::move(const std::string& from, const std::string& to, engine::Money amount) {
  // A negative amount would reverse a transfer's direction: an engine bug, not a status.
  if (amount < engine::Money{}) throw std::logic_error("ledger: negative amount from " + from + " to " + to);
  if (touch(from) < amount) return false;
  touch(to);
  balances_[from] -= amount;
  balances_[to] += amount;
  return true;
}

engine::Money LedgerAccounts::sum_balances() const {
  engine::Money sum{};
  for (const auto& [name, b] : balances_) sum += b;
  return sum;
}

}  // namespace clsim::mocks
