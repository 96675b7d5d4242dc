#include "mocks/hedera/hedera_client.hpp"

namespace clsim::mocks {

namespace {
// The completion owns only the answer and the callback, never the client or service.
template <class T>
void deliver(engine::Clock& clock, const char* label, HederaReply<T> r, std::function<void(T)> done) {
  clock.start_wait(r.latency, engine::TimerKind::foreground, label,
                   [result = std::move(r.result), done = std::move(done)](boost::system::error_code ec) mutable {
                     if (!ec) done(std::move(result));
                   });
}
}  // namespace

void HederaClient::submit(engine::LedgerTransaction tx, std::function<void(engine::SubmitResult)> done) {
  deliver(clock_, "hedera:submit", service_.submit(tx), std::move(done));
}

void HederaClient::get_receipt(engine::TransactionId id, std::function<void(engine::ReceiptResult)> done) {
  deliver(clock_, "hedera:get_receipt", service_.get_receipt(id), std::move(done));
}

void HederaClient::find_by_memo(std::string memo, std::function<void(engine::MemoLookupResult)> done) {
  deliver(clock_, "hedera:find_by_memo", service_.find_by_memo(memo), std::move(done));
}

}  // namespace clsim::mocks
