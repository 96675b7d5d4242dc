// Ledger port: Hedera as the engine sees it through an SDK. A transaction id is
// the payer plus a valid-start time the engine chooses, so a resubmission of the
// same id inside the validity window executes at most once. Receipts live about
// 180 s; after that only the mirror lookup by memo answers durably.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/money.hpp"
#include "engine/core/time.hpp"

namespace clsim::engine {

enum class LedgerStatus {
  OK,                                // precheck passed
  SUCCESS,                           // receipt: executed
  BUSY,                              // precheck: throttled, retry with backoff
  PLATFORM_TRANSACTION_NOT_CREATED,  // precheck: node backlog
  PLATFORM_NOT_ACTIVE,               // precheck: node lagging
  DUPLICATE_TRANSACTION,             // same id seen within the window; executed once
  TRANSACTION_EXPIRED,               // valid start + duration passed
  INVALID_TRANSACTION_START,         // valid start in the future
  INVALID_TRANSACTION_DURATION,      // outside 15..180 s
  INSUFFICIENT_PAYER_BALANCE,
  INSUFFICIENT_GAS,
  CONTRACT_REVERT_EXECUTED,
  CONSENSUS_GAS_EXHAUSTED,
  THROTTLED_AT_CONSENSUS,
  MEMO_TOO_LONG,
  UNKNOWN,            // receipt not final yet
  RECEIPT_NOT_FOUND,  // the node never saw it, or the receipt aged out
  TIMEOUT,            // no answer (gRPC deadline): the outcome is unknown
};
const char* to_string(LedgerStatus s);
// The status a name spells exactly as to_string does ("BUSY"); nullopt otherwise.
std::optional<LedgerStatus> ledger_status_from(std::string_view name);
// Statuses worth retrying the same transaction id for.
bool is_transient(LedgerStatus s);

struct TransactionId {
  std::string payer;
  TimePoint valid_start{};
  // "<payer>@<seconds>.<9-digit nanos>", as the SDKs print it.
  std::string to_string() const;
  friend bool operator==(const TransactionId&, const TransactionId&) = default;
};

enum class LedgerOp {
  transfer,          // from -> to
  contract_create,   // register the campaign contract, escrowing `amount` from `from`
};

// The SDKs' default valid duration of a transaction (the network takes 15-180 s).
inline constexpr Duration kTxValidDurationDefault = Duration(120'000'000);

struct LedgerTransaction {
  TransactionId id;
  Duration valid_duration = kTxValidDurationDefault;
  LedgerOp op = LedgerOp::transfer;
  std::string from;
  std::string to;
  Money amount;
  std::string memo;  // <= 100 bytes; the engine's idempotency key
};

struct SubmitResult {
  LedgerStatus precheck = LedgerStatus::OK;
};
struct ReceiptResult {
  LedgerStatus status = LedgerStatus::UNKNOWN;
};
// Mirror-node lookup by memo: durable, unlike receipts.
struct MemoLookupResult {
  bool reachable = true;
  std::optional<TransactionId> id;
  LedgerStatus status = LedgerStatus::UNKNOWN;  // final status when found
};

inline constexpr std::size_t kMemoMaxBytes = 100;

class Ledger {
 public:
  virtual ~Ledger() = default;
  virtual void submit(LedgerTransaction tx, std::function<void(SubmitResult)> done) = 0;
  virtual void get_receipt(TransactionId id, std::function<void(ReceiptResult)> done) = 0;
  virtual void find_by_memo(std::string memo, std::function<void(MemoLookupResult)> done) = 0;
};

}  // namespace clsim::engine
