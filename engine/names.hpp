// Names the engine's components share with the store and the bus: saga steps
// (campaigns.step), durable timer kinds (timers.kind), lease keys (leases.key),
// the event stream.
#pragma once
#include <array>
#include <string>
#include <string_view>

namespace clsim::engine {

// Publish steps are driven by their bus messages; the others by the engine
// itself; all have a durable resume timer.
namespace step {
inline constexpr const char* kFirstTweet = "first_tweet";
inline constexpr const char* kContract = "contract";
inline constexpr const char* kSecondTweet = "second_tweet";
inline constexpr const char* kCloseRefund = "close";       // refund the unused budget at close
inline constexpr const char* kFailRefund = "fail_refund";  // give the escrow back after a failed publish
inline constexpr const char* kReturn = "return";           // return unclaimed rewards at expiry
}  // namespace step

// Claims use "claim:<user>"; rule campaigns "rule_*" (engine/rules/rule_names.hpp).
namespace timer_kind {
inline constexpr const char* kClose = "close";
inline constexpr const char* kPoll = "poll";
inline constexpr const char* kExpiry = "expiry";
inline constexpr const char* kResume = "resume";
inline constexpr const char* kClaimPrefix = "claim:";
}  // namespace timer_kind

// The <action> of every campaign:<action>:v1:<state> event the engine emits (the
// outbox, state updates) or takes as a command. A replayed log line naming another
// action is nothing this engine could have recorded.
inline constexpr std::array<std::string_view, 11> kCampaignActions = {
    "create", "update", "publish", "claim", "first_tweet", "contract", "second_tweet", "close", "refund",
    "return", "state"};

inline constexpr const char* kEventStream = "campaign-events";
inline constexpr const char* kConsumerGroup = "campaign-engine";
inline constexpr const char* kPollTimerCampaign = "*";

// The ledger account that holds a campaign's budget while it runs.
inline std::string escrow_account(const std::string& campaign) { return "escrow:" + campaign; }
// A ledger memo is the durable idempotency key of one payment: "clsim:c-1:refund".
inline std::string payment_memo(const std::string& campaign, const std::string& purpose) {
  return "clsim:" + campaign + ":" + purpose;
}
// The campaign a payment memo names ("clsim:c-3:refund" -> "c-3"); "" for another memo.
inline std::string campaign_of_memo(const std::string& memo) {
  constexpr std::string_view kPrefix = "clsim:";
  if (memo.rfind(kPrefix, 0) != 0) return "";
  const auto end = memo.find(':', kPrefix.size());
  return end == std::string::npos ? "" : memo.substr(kPrefix.size(), end - kPrefix.size());
}
// The campaign a tweet's marker names: "[<campaign>/<step>]" at the end of the text
// ("... [c-12/2]" -> "c-12"); "" for a text without one.
inline std::string campaign_of_marker(const std::string& text) {
  const auto open = text.rfind('[');
  const auto slash = text.find('/', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || slash == std::string::npos || text.find(']', slash) == std::string::npos) return "";
  return text.substr(open + 1, slash - open - 1);
}
// The lease of a campaign's tweet step n (1: the first tweet, 2: the thread's
// second): "tweet:c-1:1". Payments are leased by their memo, which never starts so.
inline std::string tweet_lease_key(const std::string& campaign, int n) {
  return "tweet:" + campaign + ":" + std::to_string(n);
}

}  // namespace clsim::engine
