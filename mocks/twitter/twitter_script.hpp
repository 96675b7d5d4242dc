// Scripted failures for replay: a logged `twitter:request:v1:failed` line makes the
// next matching call fail with the logged status. Each entry is used by one call,
// in queue order; a call takes the first entry that matches it.
#pragma once
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.hpp"
#include "engine/ports/social.hpp"

namespace clsim::mocks {

struct TwitterScriptedFailure {
  engine::ApiStatus status;             // http 0 is a timeout; 429 should carry a reset
  std::optional<std::string> endpoint;  // e.g. kPostTweets; any endpoint when absent
  // The call must concern text containing this marker (the posted text, the search
  // phrase, or the text of a looked-up tweet): how a log line names its campaign.
  std::optional<std::string> marker;
  engine::TimePoint not_before{};  // the line's time minus the match window
  bool apply_effect = false;       // the call takes effect anyway (created, then failed)
  // The random decision that failed the call in the captured run (report key, e.g.
  // "twitter_error"); under a fault schedule the call fails through that decision.
  std::string fault;
  int call_nth = 0;  // > 0: at its instant only the nth call to the endpoint takes it (CallOrdinals)
};

class TwitterScript {
 public:
  void push(TwitterScriptedFailure f) { queue_.push_back(std::move(f)); }
  std::size_t pending() const { return queue_.size(); }

  // Removes and returns the first entry matching this call.
  std::optional<TwitterScriptedFailure> take(const std::string& endpoint, const std::vector<std::string>& texts,
                                             engine::TimePoint now, int call_nth) {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (now < it->not_before) continue;
      if (it->call_nth > 0 && now == it->not_before && it->call_nth != call_nth) continue;
      if (it->endpoint && *it->endpoint != endpoint) continue;
      if (it->marker && !mentions(texts, *it->marker)) continue;
      auto f = std::move(*it);
      queue_.erase(it);
      return f;
    }
    return std::nullopt;
  }

 private:
  static bool mentions(const std::vector<std::string>& texts, const std::string& marker) {
    for (const auto& t : texts)
      if (t.find(marker) != std::string::npos) return true;
    return false;
  }

  std::deque<TwitterScriptedFailure> queue_;
};

}  // namespace clsim::mocks
