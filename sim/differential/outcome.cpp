#include "sim/differential/outcome.hpp"

#include <algorithm>

#include "mocks/hedera/ledger_accounts.hpp"

namespace clsim::differential {

std::int64_t Outcomes::balance(const std::string& account) const {
  if (const auto it = ledger.find(account); it != ledger.end()) return it->second;
  // Both worlds' ledgers start from the default configuration (a workload cannot set
  // starting balances), so an untouched account holds what it would start with.
  static const mocks::HederaConfig kDefaults;
  return mocks::LedgerAccounts(kDefaults).balance(account).minor;
}

void Outcomes::normalise() {
  for (auto& [id, c] : campaigns) std::sort(c.rewards.begin(), c.rewards.end());
  for (auto& [id, r] : rule_campaigns) std::sort(r.matches.begin(), r.matches.end());
  std::sort(dead_letters.begin(), dead_letters.end());
}

}  // namespace clsim::differential
