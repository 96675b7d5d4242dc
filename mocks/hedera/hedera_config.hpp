// Configuration of the mock Hedera network: the fault knobs (`world.faults.hedera`,
// replaceable mid-run), the starting balances (`world.accounts`) and the network's
// fixed windows from docs/FIDELITY.md §2 (valid duration 15-180 s, dedup and receipts 180 s).
#pragma once
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/money.hpp"
#include "engine/core/time.hpp"

namespace clsim::mocks {

struct HederaFaults {
  double busy_rate = 0;             // precheck BUSY, no effect
  double unknown_outcome_rate = 0;  // accepted and executed, the submit answers TIMEOUT
  engine::Duration receipt_delay_min = engine::Duration(2'000'000);  // consensus delay
  engine::Duration receipt_delay_max = engine::Duration(5'000'000);
  // Extra knobs (docs/FIDELITY.md "Faults a faithful mock can produce"), default off.
  double platform_not_created_rate = 0;  // precheck PLATFORM_TRANSACTION_NOT_CREATED
  double platform_not_active_rate = 0;   // precheck PLATFORM_NOT_ACTIVE
  double slow_node_rate = 0;             // TIMEOUT after slow_node_delay, no effect
  double contract_revert_rate = 0;       // receipt CONTRACT_REVERT_EXECUTED
  double insufficient_gas_rate = 0;      // receipt INSUFFICIENT_GAS
  double consensus_gas_exhausted_rate = 0;  // receipt CONSENSUS_GAS_EXHAUSTED
  double throttled_at_consensus_rate = 0;   // receipt THROTTLED_AT_CONSENSUS
  double mirror_unreachable_rate = 0;       // find_by_memo answers reachable = false
  // A record shows on the mirror this late: mirror nodes import the consensus
  // nodes' record files, 5-15 s behind on the public ones (docs/FIDELITY.md).
  engine::Duration mirror_lag = engine::Duration(5'000'000);
  engine::Duration latency_min = engine::Duration(20'000);  // gRPC round trip
  engine::Duration latency_max = engine::Duration(200'000);
  engine::Duration timeout_delay = engine::Duration(10'000'000);     // gRPC deadline
  engine::Duration slow_node_delay = engine::Duration(120'000'000);  // SDK request timeout
};

struct HederaConfig {
  HederaFaults faults;
  std::map<std::string, engine::Money> accounts;  // named starting balances (minted)
  // An account first named in a transaction is created with this much, minted;
  // except escrow accounts, which start empty.
  engine::Money unnamed_start = engine::Money(1'000'000'000'000LL);
  std::string escrow_prefix = "escrow:";
  engine::Duration valid_duration_min = engine::Duration(15'000'000);
  engine::Duration valid_duration_max = engine::Duration(180'000'000);
  engine::Duration dedup_window = engine::Duration(180'000'000);  // by valid start
  engine::Duration receipt_ttl = engine::Duration(180'000'000);   // after consensus
};

// Merges a `faults.hedera` table (durations in microseconds) into `f`. Returns an
// empty string, or an error naming the key that is unknown or of the wrong type.
std::string merge_hedera_faults(HederaFaults& f, const nlohmann::json& table);

}  // namespace clsim::mocks
