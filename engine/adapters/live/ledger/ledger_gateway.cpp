#include "engine/adapters/live/ledger/ledger_gateway.hpp"

#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/adapters/live/http/http_client.hpp"
#include "engine/adapters/live/http/url.hpp"
#include "engine/adapters/live/ledger/mirror_records.hpp"

namespace clsim::live {

namespace {

using nlohmann::json;

// `field` of a 200 answer as a status name we know; nullopt for anything else.
std::optional<engine::LedgerStatus> status_field(const HttpResult& r, const char* field) {
  if (r.status != 200) return std::nullopt;
  const json doc = json::parse(r.body, nullptr, false);
  if (!doc.is_object() || !doc.contains(field) || !doc[field].is_string()) return std::nullopt;
  return engine::ledger_status_from(doc[field].get<std::string>());
}

// "0.0.2@1735689600.000000000" as a path segment: '@' is legal in a path (RFC
// 3986 pchar), so the id travels as the SDKs print it; anything odd is escaped.
std::string id_segment(const engine::TransactionId& id) {
  const std::string text = id.to_string();
  const auto at = text.find('@');
  return url_encode(text.substr(0, at)) + "@" + url_encode(text.substr(at + 1));
}

}  // namespace

LedgerGateway::LedgerGateway(boost::asio::io_context& io, LedgerGatewayOptions options) : options_(std::move(options)) {
  http_ = client_for(io, options_, "ledger");
}

LedgerGateway::~LedgerGateway() = default;

std::map<std::string, std::string> LedgerGateway::auth() const {
  if (options_.token.empty()) return {};
  return {{"authorization", "Bearer " + options_.token}};
}

void LedgerGateway::submit(engine::LedgerTransaction tx, std::function<void(engine::SubmitResult)> done) {
  const json body = {{"transaction_id", tx.id.to_string()},
                     {"valid_duration_us", engine::to_us(tx.valid_duration)},
                     {"op", tx.op == engine::LedgerOp::transfer ? "transfer" : "contract_create"},
                     {"from", tx.from},
                     {"to", tx.to},
                     {"amount", tx.amount.minor},
                     {"memo", tx.memo}};
  http_->request("POST", "/v1/transactions", auth(), body.dump(-1, ' ', false, json::error_handler_t::replace),
                 "POST /v1/transactions", [done = std::move(done)](HttpResult r) {
                   // A precheck is what the node said; anything else leaves it unknown
                   // whether the network has the transaction.
                   done(engine::SubmitResult{status_field(r, "precheck").value_or(engine::LedgerStatus::TIMEOUT)});
                 });
}

void LedgerGateway::get_receipt(engine::TransactionId id, std::function<void(engine::ReceiptResult)> done) {
  http_->request("GET", "/v1/receipts/" + id_segment(id), auth(), "", "GET /v1/receipts/:id",
                 [done = std::move(done)](HttpResult r) {
                   done(engine::ReceiptResult{status_field(r, "status").value_or(engine::LedgerStatus::TIMEOUT)});
                 });
}

void LedgerGateway::find_by_memo(std::string memo, std::function<void(engine::MemoLookupResult)> done) {
  http_->request("GET", "/api/v1/transactions?memo=" + url_encode(memo), auth(), "", "GET /api/v1/transactions",
                 [memo, done = std::move(done)](HttpResult r) {
                   if (r.status != 200) return done(engine::MemoLookupResult{false, std::nullopt, {}});
                   done(ledger::memo_lookup_answer(r.body, memo));
                 });
}

}  // namespace clsim::live
