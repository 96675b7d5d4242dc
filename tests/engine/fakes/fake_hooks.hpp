// Hooks for engine tests: crash points that throw on request, "sometimes" marks
// and trace events kept for assertions, assertion failures recorded.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/ports/hooks.hpp"

namespace clsim::engine::testing {

class FakeHooks final : public Hooks {
 public:
  // The next `times` passes through crash point `name` throw CrashSignal.
  void crash_at(const std::string& name, int times = 1) { armed_[name] += times; }

  void crash_point(std::string_view name) override {
    reached[std::string(name)]++;
    auto it = armed_.find(std::string(name));
    if (it != armed_.end() && it->second > 0) {
      --it->second;
      throw CrashSignal{std::string(name)};
    }
  }
  void sometimes(std::string_view name) override { marks[std::string(name)]++; }
  void assertion_failed(std::string_view message) override { assertions.emplace_back(message); }
  void trace(std::string_view event, nlohmann::json fields) override {
    events.push_back({std::string(event), std::move(fields)});
  }

  int count(const std::string& event) const {
    int n = 0;
    for (const auto& e : events) n += e.first == event;
    return n;
  }

  std::map<std::string, int> reached, marks;
  std::vector<std::string> assertions;
  std::vector<std::pair<std::string, nlohmann::json>> events;

 private:
  std::map<std::string, int> armed_;
};

}  // namespace clsim::engine::testing
