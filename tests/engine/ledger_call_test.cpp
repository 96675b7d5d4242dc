// LedgerCall against a scripted ledger: ownership of a payment (a call that lost
// it stops before sending anything) and final failures (an id whose receipt failed
// is reported dead, so the caller may retry under a fresh id).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/saga/ledger_call.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

// Receipts and memo lookups answer from a script; submits are counted.
class ScriptedLedger final : public Ledger {
 public:
  explicit ScriptedLedger(Clock& clock) : clock_(clock) {}
  LedgerStatus receipt = LedgerStatus::UNKNOWN;
  MemoLookupResult memo;
  int submits = 0;
  std::optional<TimePoint> first_memo_lookup_at;

  void submit(LedgerTransaction, std::function<void(SubmitResult)> done) override {
    ++submits;
    reply(std::move(done), SubmitResult{LedgerStatus::OK});
  }
  void get_receipt(TransactionId, std::function<void(ReceiptResult)> done) override {
    reply(std::move(done), ReceiptResult{receipt});
  }
  void find_by_memo(std::string, std::function<void(MemoLookupResult)> done) override {
    if (!first_memo_lookup_at) first_memo_lookup_at = clock_.now();
    reply(std::move(done), memo);
  }

 private:
  template <class R>
  void reply(std::function<void(R)> done, R r) {
    clock_.start_wait(Duration(100'000), TimerKind::foreground, "scripted_ledger",
                      [done = std::move(done), r](boost::system::error_code ec) {
                        if (!ec) done(r);
                      });
  }
  Clock& clock_;
};

struct CallFixture {
  sim::Trace trace;
  sim::Scheduler scheduler{7, from_us(kDefaultStartUs), trace};
  sim::SimClock clock{scheduler, 1};
  sim::Prng random = sim::Prng::stream(7, "ledger_call_test");
  FakeHooks hooks;
  ScriptedLedger ledger{clock};
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  std::optional<LedgerOutcome> outcome;
  int allocations = 0;

  LedgerCallSpec spec(bool recovering) {
    LedgerCallSpec s;
    s.tx = LedgerTransaction{TransactionId{"0.0.2", clock.now()}, Duration(120'000'000), LedgerOp::transfer,
                             "escrow:c-1", "u-1", Money(100), "clsim:c-1:claim:u-1"};
    s.recovering = recovering;
    s.label = "c-1:claim:u-1";
    s.allocate_id = [this]() -> std::optional<TransactionId> {
      ++allocations;
      return TransactionId{"0.0.2", clock.now()};
    };
    s.persist_id = [](const TransactionId&) { return true; };
    s.hold = [] { return true; };  // this call owns the payment
    s.done = [this](const LedgerOutcome& o) { outcome = o; };
    return s;
  }
  void start(LedgerCallSpec s) {
    LedgerCall::start(CallEnv{clock, random, hooks, RetryPolicy{}, alive}, ledger, std::move(s));
  }
  void run() { scheduler.run_until_quiet(scheduler.now() + kHour); }
};

TEST(LedgerCall, CallThatDoesNotOwnThePaymentSubmitsNothingAndIsAbandoned) {
  CallFixture f;
  auto s = f.spec(false);
  bool released = false;
  s.hold = [] { return false; };  // another engine holds the lease
  s.release = [&] { released = true; };
  f.start(std::move(s));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_TRUE(f.outcome->abandoned);
  EXPECT_FALSE(f.outcome->success);
  EXPECT_EQ(f.ledger.submits, 0);
  EXPECT_EQ(f.allocations, 0);
  EXPECT_FALSE(released) << "a lease that is not ours must not be released";
}

TEST(LedgerCall, APaymentWithoutItsLeaseIsAnAssertionAndSubmitsNothing) {
  CallFixture f;
  auto s = f.spec(false);
  s.hold = nullptr;  // a call site that forgot Payments::bind_lease
  EXPECT_THROW(f.start(std::move(s)), AssertionFailure);
  EXPECT_EQ(f.ledger.submits, 0);
  ASSERT_EQ(f.hooks.assertions.size(), 1u);
  EXPECT_NE(f.hooks.assertions[0].find("without holding its payment lease"), std::string::npos);
}

TEST(LedgerCall, LosingOwnershipMidCallStopsBeforeTheNextSubmit) {
  CallFixture f;
  f.ledger.receipt = LedgerStatus::RECEIPT_NOT_FOUND;  // forces resubmits of the same id
  auto s = f.spec(false);
  int holds = 0;
  s.hold = [&] { return ++holds <= 2; };  // owned for the first submit and receipt poll only
  f.start(std::move(s));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_TRUE(f.outcome->abandoned);
  EXPECT_EQ(f.ledger.submits, 1);
}

TEST(LedgerCall, FinalFailedReceiptOnRecoveryReportsTheIdAsDead) {
  CallFixture f;
  f.ledger.receipt = LedgerStatus::INSUFFICIENT_GAS;
  int released = 0;
  auto s = f.spec(true);
  s.hold = [] { return true; };
  s.release = [&] { ++released; };
  f.start(std::move(s));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_FALSE(f.outcome->success);
  EXPECT_FALSE(f.outcome->abandoned);
  EXPECT_TRUE(f.outcome->id_failed);
  EXPECT_EQ(f.ledger.submits, 0) << "recovery asks before sending";
  EXPECT_EQ(released, 1);
}

TEST(LedgerCall, UnknownOutcomeIsNotReportedAsDead) {
  CallFixture f;
  f.ledger.receipt = LedgerStatus::TIMEOUT;  // never final: the call runs out of attempts
  f.ledger.memo.reachable = false;           // and the mirror never answers
  f.start(f.spec(true));
  f.run();
  ASSERT_TRUE(f.outcome);
  EXPECT_FALSE(f.outcome->success);
  EXPECT_FALSE(f.outcome->id_failed);
}

TEST(LedgerCall, MemoLookupWaitsUntilTheMirrorIsPastTheOldWindow) {
  CallFixture f;
  f.ledger.receipt = LedgerStatus::RECEIPT_NOT_FOUND;
  const TimePoint start = f.clock.now();
  auto s = f.spec(false);
  s.tx.valid_duration = Duration(0);  // the window is already over: decide by memo
  f.start(std::move(s));
  f.run();
  ASSERT_TRUE(f.ledger.first_memo_lookup_at);
  // The mirror lags consensus by up to ~10 s; a lookup earlier than that could miss a payment.
  EXPECT_GE(*f.ledger.first_memo_lookup_at - start, Duration(20'000'000));
}

}  // namespace
}  // namespace clsim::engine::testing
