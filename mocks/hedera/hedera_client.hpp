// One engine's engine::Ledger adapter over the world's HederaService (the SDK as
// the engine sees it). The call takes effect when made; the answer reaches the
// engine after the reply latency as a foreground event on the engine's clock, so
// a crash in between loses the answer while the transaction still executes.
#pragma once
#include "engine/ports/clock.hpp"
#include "engine/ports/ledger.hpp"
#include "mocks/hedera/hedera_service.hpp"

namespace clsim::mocks {

class HederaClient final : public engine::Ledger {
 public:
  // `service` outlives the client; `clock` is the engine's.
  HederaClient(HederaService& service, engine::Clock& clock) : service_(service), clock_(clock) {}
  HederaClient(const HederaClient&) = delete;
  HederaClient& operator=(const HederaClient&) = delete;

  void submit(engine::LedgerTransaction tx, std::function<void(engine::SubmitResult)> done) override;
  void get_receipt(engine::TransactionId id, std::function<void(engine::ReceiptResult)> done) override;
  void find_by_memo(std::string memo, std::function<void(engine::MemoLookupResult)> done) override;

 private:
  HederaService& service_;
  engine::Clock& clock_;
};

}  // namespace clsim::mocks
