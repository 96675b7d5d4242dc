#include "sim/world/fault_keys.hpp"

namespace clsim::sim {

const std::vector<FaultKeySpec>& fault_key_specs() {
  static const std::vector<FaultKeySpec> specs = {
      {"twitter", "error_rate", "rate", "share of calls answered 500/502/503/504"},
      {"twitter", "timeout_rate", "rate", "share of calls that time out with no effect"},
      {"twitter", "timeout_after_create_rate", "rate", "share of tweet posts created but answered with a timeout"},
      {"twitter", "rate_limit", "bool", "apply the documented per-endpoint 15-minute limits (429)"},
      {"twitter", "latency_min", "duration", "least response latency"},
      {"twitter", "latency_max", "duration", "greatest response latency"},
      {"twitter", "error_after_create_rate", "rate", "share of tweet posts created but answered 5xx"},
      {"twitter", "unauthorized_rate", "rate", "share of calls answered 401 Unauthorized"},
      {"twitter", "forbidden_rate", "rate", "share of calls answered 403 Client Forbidden"},
      {"twitter", "reply_rejected_rate", "rate", "share of thread replies refused with 403"},
      {"twitter", "partial_result_rate", "rate", "share of metric lookups answered 200 with errors[]"},
      {"twitter", "usage_cap", "bool", "every call answered 429 UsageCapExceeded"},
      {"twitter", "timeout_delay", "duration", "how long a timed-out call takes to fail"},
      {"hedera", "busy_rate", "rate", "share of submissions refused BUSY at precheck"},
      {"hedera", "unknown_outcome_rate", "rate", "share of submissions executed but answered with a timeout"},
      {"hedera", "receipt_delay_min", "duration", "least consensus delay before a receipt is final"},
      {"hedera", "receipt_delay_max", "duration", "greatest consensus delay before a receipt is final"},
      {"hedera", "platform_not_created_rate", "rate", "share refused PLATFORM_TRANSACTION_NOT_CREATED"},
      {"hedera", "platform_not_active_rate", "rate", "share refused PLATFORM_NOT_ACTIVE"},
      {"hedera", "slow_node_rate", "rate", "share of calls to a slow node that times out"},
      {"hedera", "slow_node_delay", "duration", "how long a slow node takes"},
      {"hedera", "contract_revert_rate", "rate", "share of receipts CONTRACT_REVERT_EXECUTED"},
      {"hedera", "insufficient_gas_rate", "rate", "share of receipts INSUFFICIENT_GAS"},
      {"hedera", "consensus_gas_exhausted_rate", "rate", "share of receipts CONSENSUS_GAS_EXHAUSTED"},
      {"hedera", "throttled_at_consensus_rate", "rate", "share of receipts THROTTLED_AT_CONSENSUS"},
      {"hedera", "mirror_unreachable_rate", "rate", "share of mirror lookups that fail"},
      {"hedera", "mirror_lag", "duration", "how long the mirror node lags consensus"},
      {"hedera", "latency_min", "duration", "least response latency"},
      {"hedera", "latency_max", "duration", "greatest response latency"},
      {"hedera", "timeout_delay", "duration", "how long a timed-out call takes to fail"},
      {"bus", "duplicate_rate", "rate", "share of deliveries delivered twice"},
      {"bus", "delay_min", "duration", "least delivery delay"},
      {"bus", "delay_max", "duration", "greatest delivery delay"},
      {"bus", "reorder", "bool", "deliver across consumers out of order"},
      {"bus", "partition_rate", "rate", "share of bus calls that fail with a dropped connection"},
      {"websocket", "disconnect_rate", "rate", "share of deliveries that drop the client's connection"},
      {"websocket", "slow_clients", "count", "clients that read slower than updates arrive"},
      {"disk", "lose_unsynced_on_crash", "bool", "a crash is a power loss: unsynced writes are lost"},
      {"disk", "torn_write", "bool", "a power loss may tear the last unsynced write at a sector"},
      {"disk", "ioerr_rate", "rate", "share of disk reads and writes failing with SQLITE_IOERR"},
      {"disk", "full", "bool", "writes fail with SQLITE_FULL"},
  };
  return specs;
}

const FaultKeySpec* find_fault_key(const std::string& service, const std::string& key) {
  for (const auto& s : fault_key_specs())
    if (service == s.service && key == s.key) return &s;
  return nullptr;
}

}  // namespace clsim::sim
