// Hedera status names as a log writes them ("BUSY") -> engine::LedgerStatus.
#pragma once
#include <optional>
#include <string>

#include "engine/ports/ledger.hpp"

namespace clsim::sim {

std::optional<engine::LedgerStatus> ledger_status_from(const std::string& name);

}  // namespace clsim::sim
