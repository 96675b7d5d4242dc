// Small out-of-line helpers of the port types.
#include <cstdio>
#include <memory>

#include "engine/ports/bus.hpp"

#include "engine/ports/ledger.hpp"
#include "engine/ports/social.hpp"

namespace clsim::engine {

namespace {
struct BatchChain {
  std::string stream;
  std::vector<BusMessage> msgs;
  std::vector<PublishResult> results;
  std::function<void(std::vector<PublishResult>)> done;
};

// Each message once the previous one is answered; a failure ends the batch.
void publish_from(Bus& bus, const std::shared_ptr<BatchChain>& c) {
  if (c->results.size() == c->msgs.size()) return c->done(std::move(c->results));
  const BusMessage& msg = c->msgs[c->results.size()];
  bus.publish(c->stream, msg, [&bus, c](PublishResult r) {
    const bool ok = r.ok;
    c->results.push_back(std::move(r));
    if (!ok) c->results.resize(c->msgs.size(), PublishResult{false, {}});
    publish_from(bus, c);
  });
}
}  // namespace

void Bus::publish_batch(std::string stream, std::vector<BusMessage> msgs,
                        std::function<void(std::vector<PublishResult>)> done) {
  publish_from(*this, std::make_shared<BatchChain>(BatchChain{std::move(stream), std::move(msgs), {}, std::move(done)}));
}

const char* to_string(EngagementKind k) {
  switch (k) {
    case EngagementKind::like: return "like";
    case EngagementKind::retweet: return "retweet";
    case EngagementKind::quote: return "quote";
    case EngagementKind::reply: return "reply";
  }
  return "?";
}

std::optional<EngagementKind> engagement_kind_from(std::string_view name) {
  for (auto k : kEngagementKinds)
    if (name == to_string(k)) return k;
  return std::nullopt;
}

bool ApiStatus::duplicate_content() const {
  return http == 403 && detail.find("duplicate content") != std::string::npos;
}

const char* to_string(LedgerStatus s) {
  switch (s) {
#define CLSIM_CASE(x) case LedgerStatus::x: return #x;
    CLSIM_CASE(OK) CLSIM_CASE(SUCCESS) CLSIM_CASE(BUSY) CLSIM_CASE(PLATFORM_TRANSACTION_NOT_CREATED)
    CLSIM_CASE(PLATFORM_NOT_ACTIVE) CLSIM_CASE(DUPLICATE_TRANSACTION) CLSIM_CASE(TRANSACTION_EXPIRED)
    CLSIM_CASE(INVALID_TRANSACTION_START) CLSIM_CASE(INVALID_TRANSACTION_DURATION)
    CLSIM_CASE(INSUFFICIENT_PAYER_BALANCE) CLSIM_CASE(INSUFFICIENT_GAS) CLSIM_CASE(CONTRACT_REVERT_EXECUTED)
    CLSIM_CASE(CONSENSUS_GAS_EXHAUSTED) CLSIM_CASE(THROTTLED_AT_CONSENSUS) CLSIM_CASE(MEMO_TOO_LONG)
    CLSIM_CASE(UNKNOWN) CLSIM_CASE(RECEIPT_NOT_FOUND) CLSIM_CASE(TIMEOUT)
#undef CLSIM_CASE
  }
  return "?";
}

const char* engagers_endpoint(EngagementKind kind) {
  switch (kind) {
    case EngagementKind::like: return kLikingUsers;
    case EngagementKind::retweet: return kRetweetedBy;
    case EngagementKind::quote: return kQuoteTweets;
    case EngagementKind::reply: return kSearchRecent;  // conversation_id:<root>
  }
  return kSearchRecent;
}

std::optional<LedgerStatus> ledger_status_from(std::string_view name) {
  // The enum is dense from OK to TIMEOUT; to_string is the one spelling.
  for (int i = int(LedgerStatus::OK); i <= int(LedgerStatus::TIMEOUT); ++i) {
    const auto s = LedgerStatus(i);
    if (name == to_string(s)) return s;
  }
  return std::nullopt;
}

bool is_transient(LedgerStatus s) {
  switch (s) {
    case LedgerStatus::BUSY:
    case LedgerStatus::PLATFORM_TRANSACTION_NOT_CREATED:
    case LedgerStatus::PLATFORM_NOT_ACTIVE:
    case LedgerStatus::THROTTLED_AT_CONSENSUS:
    case LedgerStatus::CONSENSUS_GAS_EXHAUSTED:
    case LedgerStatus::UNKNOWN:
    case LedgerStatus::TIMEOUT:
      return true;
    default:
      return false;
  }
}

std::string TransactionId::to_string() const {
  const std::int64_t us = to_us(valid_start);
  char buf[64];
  std::snprintf(buf, sizeof buf, "@%lld.%09lld", (long long)(us / 1000000), (long long)(us % 1000000 * 1000));
  return payer + buf;
}

}  // namespace clsim::engine
