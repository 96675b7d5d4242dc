// Counts the faults a mock injected, by report key `<service>_<kind>`
// (e.g. twitter_error, hedera_busy). Ordered, so reports list them stably.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace clsim::mocks {

class FaultCounter {
 public:
  void add(const std::string& key, std::int64_t n = 1) { counts_[key] += n; }
  std::int64_t get(const std::string& key) const;
  const std::map<std::string, std::int64_t>& all() const { return counts_; }

 private:
  std::map<std::string, std::int64_t> counts_;
};

}  // namespace clsim::mocks
