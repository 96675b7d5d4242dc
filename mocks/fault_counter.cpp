#include "mocks/fault_counter.hpp"

namespace clsim::mocks {

std::int64_t FaultCounter::get(const std::string& key) const {
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace clsim::mocks
