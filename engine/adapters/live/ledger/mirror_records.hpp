// The mirror node's answer to a memo lookup, read into the Ledger port's result.
// The memo lookup is what the engine trusts after a transaction's window closed
// ("nothing carries this memo, so paying under a new id is safe"), so an answer is
// believed only when it is whole: every record carries the memo asked for, its id
// and its result parse, and there is no further page. Anything less reads as "the
// mirror is unreachable", which the engine retries and never pays on.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "engine/ports/ledger.hpp"

namespace clsim::live::ledger {

// "0.0.2-1735689600-000000000" (payer-seconds-nanos, the mirror's form) -> id.
std::optional<engine::TransactionId> mirror_transaction_id(std::string_view text);

// Standard base64 with or without padding; nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);

// The first SUCCESS record for `memo`, else the first record; no record: found
// nothing. `body` is the 200 answer of GET /api/v1/transactions?memo=...
engine::MemoLookupResult memo_lookup_answer(const std::string& body, const std::string& memo);

}  // namespace clsim::live::ledger
