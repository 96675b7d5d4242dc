// The fault plan's vocabulary: every `world.faults` key per service, as
// docs/CONTRACTS.md lists it. Unknown keys are errors that name the key.
#pragma once
#include <string>
#include <vector>

namespace clsim::sim {

struct FaultKeySpec {
  const char* service;
  const char* key;
  const char* type;  // "rate" (0..1), "bool", "duration", "count"
  const char* help;
};

const std::vector<FaultKeySpec>& fault_key_specs();
// Null when service.key is not a known fault.
const FaultKeySpec* find_fault_key(const std::string& service, const std::string& key);

}  // namespace clsim::sim
