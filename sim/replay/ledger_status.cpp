#include "sim/replay/ledger_status.hpp"

namespace clsim::sim {

std::optional<engine::LedgerStatus> ledger_status_from(const std::string& name) {
  // The enum is dense from OK to TIMEOUT; to_string is the one spelling.
  for (int i = int(engine::LedgerStatus::OK); i <= int(engine::LedgerStatus::TIMEOUT); ++i) {
    const auto s = engine::LedgerStatus(i);
    if (name == engine::to_string(s)) return s;
  }
  return std::nullopt;
}

}  // namespace clsim::sim
