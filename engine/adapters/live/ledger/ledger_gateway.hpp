// The Ledger port on the JSON ledger gateway in front of Hedera (docs/LIVE.md):
// submit, receipt and the mirror node's memo lookup, one HTTP request each. The
// gateway's answers are Hedera's status names. Whatever leaves the outcome unknown
// (no answer in time, a refused connection, a 5xx, a body the client cannot read)
// is reported as the SDK would report a lost gRPC call: TIMEOUT for submit and
// receipt, so the engine resubmits the same id or asks the mirror, and "mirror
// unreachable" for the memo lookup. Never a guess that could pay twice.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/live/http/http_client.hpp"
#include "engine/core/time.hpp"
#include "engine/ports/ledger.hpp"

namespace clsim::live {


// base_url: the gateway, or mockd's "http://127.0.0.1:PORT".
struct LedgerGatewayOptions : ServiceEndpoint {
  std::string token;  // bearer token for the gateway; "" sends no Authorization
};

class LedgerGateway final : public engine::Ledger {
 public:
  // Throws std::invalid_argument on a bad base_url (or an unreadable ca_file).
  LedgerGateway(boost::asio::io_context& io, LedgerGatewayOptions options);
  ~LedgerGateway() override;
  LedgerGateway(const LedgerGateway&) = delete;
  LedgerGateway& operator=(const LedgerGateway&) = delete;

  void submit(engine::LedgerTransaction tx, std::function<void(engine::SubmitResult)> done) override;
  void get_receipt(engine::TransactionId id, std::function<void(engine::ReceiptResult)> done) override;
  void find_by_memo(std::string memo, std::function<void(engine::MemoLookupResult)> done) override;

 private:
  std::map<std::string, std::string> auth() const;

  LedgerGatewayOptions options_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace clsim::live
