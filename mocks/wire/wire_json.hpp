// The mocks' answers in their wire shapes and the requests back from them, for
// `clsim mockd` (docs/LIVE.md): X API v2 problems and tweets, the ledger gateway's
// transaction body and ids, the mirror node's ids and timestamps. Pure functions,
// no I/O, so the shapes can be tested without a server.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/core/time.hpp"
#include "engine/ports/ledger.hpp"
#include "engine/ports/social.hpp"

namespace clsim::mocks::wire {

// ---- X API v2 ----

// The RFC 7807 body of a refusal: {"title","detail","type","status"} (plus X's
// extra fields for a client-forbidden or usage-capped answer).
nlohmann::json problem_json(const engine::ApiStatus& status);
// {"id","text","author_id"[,"referenced_tweets":[{"type":"replied_to","id"}]]}
nlohmann::json tweet_json(const engine::Tweet& tweet);
// A time as the x-rate-limit-reset header carries it: epoch seconds, rounded up.
std::int64_t epoch_seconds_ceil(engine::TimePoint t);

// `from:ACCOUNT "PHRASE"` or `conversation_id:ID`.
struct SearchQuery {
  bool conversation = false;
  std::string account, phrase;  // from:
  std::string conversation_id;  // conversation_id:
};
std::optional<SearchQuery> parse_search_query(std::string_view query);

// A stable 19-digit id for an engagement that is not a stored tweet (an audience
// user's quote or reply), so the same engagement has the same id on every page.
std::string synthetic_tweet_id(std::string_view tweet_id, std::string_view user, engine::EngagementKind kind);

// 64-bit FNV-1a, as the simulator names its random streams (seed ^ fnv1a64(name)).
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL);

// A decimal integer in [lo, hi]; nullopt when malformed or out of range.
std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t lo, std::int64_t hi);

// ---- ledger gateway ----

// "PAYER@SECONDS.NANOS" (nanos 9 digits, a whole number of microseconds).
std::optional<engine::TransactionId> parse_transaction_id(std::string_view text);

// A POST /v1/transactions body, or the field that is wrong and why.
struct ParsedTransaction {
  std::optional<engine::LedgerTransaction> tx;
  std::string error;  // when !tx
  std::string field;  // the field the error is about ("" for the body itself)
};
ParsedTransaction parse_ledger_transaction(std::string_view body);

// The mirror node's forms: "0.0.2-1735689600-000000000" and "1735689603.000000000".
std::string mirror_transaction_id(const engine::TransactionId& id);
std::string mirror_timestamp(engine::TimePoint t);
std::string base64_encode(std::string_view bytes);

// ---- mockd's own endpoints ----

// A POST /mock/engagements body {"tweet_id", "user_id", "kind"}, or the field that
// is wrong and why.
struct ParsedEngagement {
  bool ok = false;
  std::string tweet_id, user;
  engine::EngagementKind kind = engine::EngagementKind::like;
  std::string error, field;  // when !ok
};
ParsedEngagement parse_mock_engagement(std::string_view body);

}  // namespace clsim::mocks::wire
