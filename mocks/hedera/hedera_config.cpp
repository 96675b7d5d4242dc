#include "mocks/hedera/hedera_config.hpp"

#include "mocks/knob_reader.hpp"

namespace clsim::mocks {

std::string merge_hedera_faults(HederaFaults& f, const nlohmann::json& table) {
  if (!table.is_object()) return "faults.hedera: expected a table";
  HederaFaults next = f;
  for (const auto& [key, v] : table.items()) {
    std::string err;
    if (key == "busy_rate") err = knobs::read(v, key, next.busy_rate);
    else if (key == "unknown_outcome_rate") err = knobs::read(v, key, next.unknown_outcome_rate);
    else if (key == "receipt_delay_min") err = knobs::read(v, key, next.receipt_delay_min);
    else if (key == "receipt_delay_max") err = knobs::read(v, key, next.receipt_delay_max);
    else if (key == "platform_not_created_rate") err = knobs::read(v, key, next.platform_not_created_rate);
    else if (key == "platform_not_active_rate") err = knobs::read(v, key, next.platform_not_active_rate);
    else if (key == "slow_node_rate") err = knobs::read(v, key, next.slow_node_rate);
    else if (key == "contract_revert_rate") err = knobs::read(v, key, next.contract_revert_rate);
    else if (key == "insufficient_gas_rate") err = knobs::read(v, key, next.insufficient_gas_rate);
    else if (key == "consensus_gas_exhausted_rate") err = knobs::read(v, key, next.consensus_gas_exhausted_rate);
    else if (key == "throttled_at_consensus_rate") err = knobs::read(v, key, next.throttled_at_consensus_rate);
    else if (key == "mirror_unreachable_rate") err = knobs::read(v, key, next.mirror_unreachable_rate);
    else if (key == "mirror_lag") err = knobs::read(v, key, next.mirror_lag);
    else if (key == "latency_min") err = knobs::read(v, key, next.latency_min);
    else if (key == "latency_max") err = knobs::read(v, key, next.latency_max);
    else if (key == "timeout_delay") err = knobs::read(v, key, next.timeout_delay);
    else if (key == "slow_node_delay") err = knobs::read(v, key, next.slow_node_delay);
    else err = "faults.hedera: unknown key '" + key + "'";
    if (!err.empty()) return err;
  }
  if (next.receipt_delay_min > next.receipt_delay_max) return "faults.hedera: receipt_delay_min > receipt_delay_max";
  if (next.latency_min > next.latency_max) return "faults.hedera: latency_min > latency_max";
  f = next;
  return {};
}

}  // namespace clsim::mocks
