// Posts one tweet of a campaign at most once. X has no idempotency key, so the
// text carries a marker unique to the campaign and step ("[c-1/1]"): after a lost
// response or a restart the driver looks the marker up before posting again, and
// a 403 duplicate-content answer means the tweet exists (recent search lags ~30 s,
// so it searches again with backoff until it shows up). Several engines may start
// the same step (every engine's resume timer fires), so the driver searches or
// posts only while it holds the step's lease (Leases, "tweet:c-1:1"); without it
// the call is abandoned and the holder's work stands.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/saga/call_env.hpp"

namespace clsim::engine {

struct TweetOutcome {
  bool success = false;
  std::string tweet_id;
  std::string reason;  // for a failure: "twitter: 401 Unauthorized"
  // Another engine holds the step's lease (or the store could not confirm ours):
  // this call stopped without deciding anything; the step's row and timers stay.
  bool abandoned = false;
};

struct TweetCallSpec {
  std::string account;
  std::string text;    // includes the marker
  std::string marker;  // e.g. "[c-1/1]"
  std::optional<std::string> in_reply_to;
  std::int64_t prior_attempts = 0;     // durable count of earlier posts: > 0 means one may exist
  bool skip_duplicate_check = false;   // mutation skip_duplicate_tweet_check
  std::string before_point, after_point;  // crash points around the post ("" for none)
  std::string label;
  // Stores the post count durably before each post; false when the store refused.
  std::function<bool(std::int64_t attempts)> persist_attempts;
  // Takes or renews the step's lease before every search and post; false: another
  // engine holds it (the call is abandoned). Required: a post without it is a bug.
  std::function<bool()> hold;
  std::function<void(const TweetOutcome&)> done;
};

class TweetCall : public std::enable_shared_from_this<TweetCall> {
 public:
  static void start(CallEnv env, Social& social, TweetCallSpec spec);
  TweetCall(CallEnv env, Social& social, TweetCallSpec spec)
      : env_(std::move(env)), social_(social), spec_(std::move(spec)) {}

 private:
  void search();
  void post();
  void on_post(const PostTweetResult& r);
  void retry(void (TweetCall::*next)(), const char* why);
  void wait_rate_limit(TimePoint reset, void (TweetCall::*next)());
  void finish(bool success, std::string id, std::string reason);
  bool held();  // false after abandoning the call

  CallEnv env_;
  Social& social_;
  TweetCallSpec spec_;
  int attempts_ = 0;          // transient failures so far
  int rate_limit_waits_ = 0;  // 429 waits so far
  int lag_searches_ = 0;      // searches after a duplicate answer
  bool saw_duplicate_ = false;
  bool finished_ = false;
};

// "<text> [c-1/1]", with the text cut (by code points) so the whole fits 280.
std::string tweet_text_with_marker(const std::string& text, const std::string& marker);

}  // namespace clsim::engine
