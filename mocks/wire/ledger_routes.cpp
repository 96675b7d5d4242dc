// The ledger gateway on the wire (docs/LIVE.md): submit, receipts and the mirror
// node's lookup by memo, answered by HederaService after its latency. A TIMEOUT
// (an unknown outcome, a slow node) is no answer: the connection is held for the
// delay and closed.
#include <algorithm>

#include "mocks/wire/daemon_impl.hpp"
#include "mocks/wire/wire_json.hpp"

namespace clsim::mocks {

namespace {

constexpr std::string_view kReceiptsPrefix = "/v1/receipts/";

const char* mirror_name(engine::LedgerOp op) {
  return op == engine::LedgerOp::contract_create ? "CONTRACTCREATEINSTANCE" : "CRYPTOTRANSFER";
}

nlohmann::json mirror_entry(const ExecutedTransaction& e) {
  return {{"transaction_id", wire::mirror_transaction_id(e.tx_id)},
          {"memo_base64", wire::base64_encode(e.memo)},
          {"result", engine::to_string(e.status)},
          {"consensus_timestamp", wire::mirror_timestamp(e.consensus_at)},
          {"valid_start_timestamp", wire::mirror_timestamp(e.tx_id.valid_start)},
          {"name", mirror_name(e.op)}};
}

}  // namespace

bool MockDaemon::Impl::route_ledger(const HttpRequest& req, const Respond& respond) {
  const std::string_view path = live::target_path(target_of(req));
  const auto method = req.method();
  if (path == "/v1/transactions") {
    if (method != http::verb::post) respond(method_not_allowed(req, "POST"));
    else ledger_submit(req, respond);
    return true;
  }
  if (path.starts_with(kReceiptsPrefix) && path.size() > kReceiptsPrefix.size()) {
    if (method != http::verb::get) respond(method_not_allowed(req, "GET"));
    else ledger_receipt(req, path.substr(kReceiptsPrefix.size()), respond);
    return true;
  }
  if (path == "/api/v1/transactions") {
    if (method != http::verb::get) respond(method_not_allowed(req, "GET"));
    else mirror_lookup(req, respond);
    return true;
  }
  return false;
}

void MockDaemon::Impl::ledger_submit(const HttpRequest& req, const Respond& respond) {
  const auto parsed = wire::parse_ledger_transaction(req.body());
  if (!parsed.tx) return respond(error_response(req, http::status::bad_request, parsed.error, parsed.field));
  auto answer = hedera.submit(*parsed.tx);
  if (answer.result.precheck == engine::LedgerStatus::TIMEOUT) return drop_after(answer.latency, respond);
  answer_after(answer.latency, respond,
               json_response(req, http::status::ok, {{"precheck", engine::to_string(answer.result.precheck)}}));
}

void MockDaemon::Impl::ledger_receipt(const HttpRequest& req, std::string_view id_text, const Respond& respond) {
  const auto id = wire::parse_transaction_id(live::url_decode(id_text));
  if (!id)
    return respond(error_response(req, http::status::bad_request,
                                "transaction_id: expected PAYER@SECONDS.NANOS (9 digits of nanos, whole microseconds)",
                                "transaction_id"));
  auto answer = hedera.get_receipt(*id);
  if (answer.result.status == engine::LedgerStatus::TIMEOUT) return drop_after(answer.latency, respond);
  answer_after(answer.latency, respond,
               json_response(req, http::status::ok, {{"status", engine::to_string(answer.result.status)}}));
}

void MockDaemon::Impl::mirror_lookup(const HttpRequest& req, const Respond& respond) {
  const auto target = target_of(req);
  const auto memo = live::query_param(target, "memo");
  if (!memo) return respond(error_response(req, http::status::bad_request, "memo is required", "memo"));
  const std::string order = live::query_param(target, "order").value_or("desc");
  if (order != "asc" && order != "desc")
    return respond(error_response(req, http::status::bad_request, "order: expected asc or desc", "order"));
  auto answer = hedera.find_by_memo(*memo);
  if (!answer.result.reachable) {
    const nlohmann::json body = {{"_status", {{"messages", nlohmann::json::array({{{"message", "Service Unavailable"}}})}}}};
    return answer_after(answer.latency, respond, json_response(req, http::status::service_unavailable, body));
  }
  // Every transaction with the memo that has reached the mirror (mirror_lag after
  // consensus), the same set find_by_memo chose from.
  const auto visible_until = clock.now() - hedera.faults().mirror_lag;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : hedera.executed())
    if (e.memo == *memo && e.consensus_at <= visible_until) list.push_back(mirror_entry(e));
  if (order == "desc") std::reverse(list.begin(), list.end());
  const nlohmann::json body = {{"transactions", std::move(list)}, {"links", {{"next", nullptr}}}};
  answer_after(answer.latency, respond, json_response(req, http::status::ok, body));
}

}  // namespace clsim::mocks
