#include "sim/replay/ledger_status.hpp"

namespace clsim::sim {

std::optional<engine::LedgerStatus> ledger_status_from(const std::string& name) {
  return engine::ledger_status_from(name);
}

}  // namespace clsim::sim
