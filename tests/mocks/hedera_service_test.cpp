// The mock Hedera network: prechecks, the dedup window, consensus and receipts,
// unknown outcomes, the supply invariant, mirror lookups and scripted failures.
#include "mocks/hedera/hedera_service.hpp"

#include <gtest/gtest.h>

#include "engine/core/distributions.hpp"
#include "mocks/hedera/hedera_client.hpp"
#include "sim/runtime/scheduler.hpp"

namespace clsim::mocks {
namespace {

using engine::Duration;
using engine::LedgerStatus;
using engine::Money;

constexpr Duration kSecond = Duration(1'000'000);

HederaConfig fixed_delay_config() {
  HederaConfig c;
  c.accounts = {{"alice", Money(5'000'000)}, {"bob", Money(0)}};
  c.faults.receipt_delay_min = c.faults.receipt_delay_max = 3 * kSecond;
  return c;
}

struct LedgerWorld {
  explicit LedgerWorld(HederaConfig config = fixed_delay_config(), std::uint64_t seed = 1)
      : scheduler(seed, engine::from_us(engine::kDefaultStartUs), trace),
        world_clock(scheduler, 0),
        engine_clock(scheduler, 1),
        rng(sim::Prng::stream(seed, "hedera")),
        service(std::move(config), world_clock, rng, counter) {}

  void advance(Duration d) { scheduler.run_until(scheduler.now() + d); }
  engine::LedgerTransaction transfer(const std::string& from, const std::string& to, std::int64_t amount,
                                     const std::string& memo) {
    engine::LedgerTransaction tx;
    tx.id = {"0.0.2", scheduler.now()};
    tx.from = from;
    tx.to = to;
    tx.amount = Money(amount);
    tx.memo = memo;
    return tx;
  }
  LedgerStatus submit(const engine::LedgerTransaction& tx) { return service.submit(tx).result.precheck; }
  LedgerStatus receipt(const engine::TransactionId& id) { return service.get_receipt(id).result.status; }

  sim::Trace trace;
  sim::Scheduler scheduler;
  sim::SimClock world_clock;
  sim::SimClock engine_clock;
  sim::Prng rng;
  FaultCounter counter;
  HederaService service;
};

TEST(HederaService, TransferExecutesAtConsensusNotAtSubmit) {
  LedgerWorld w;
  auto tx = w.transfer("alice", "bob", 1000, "pay:c-1:u-1");
  EXPECT_EQ(w.submit(tx), LedgerStatus::OK);
  EXPECT_EQ(w.service.balance("bob"), Money(0));
  EXPECT_EQ(w.service.in_flight(), 1u);
  w.advance(3 * kSecond);
  EXPECT_EQ(w.service.balance("bob"), Money(1000));
  EXPECT_EQ(w.service.balance("alice"), Money(5'000'000 - 1000));
  ASSERT_EQ(w.service.executed().size(), 1u);
  EXPECT_EQ(w.service.executed()[0].consensus_at, tx.id.valid_start + 3 * kSecond);
  EXPECT_EQ(w.service.executed()[0].status, LedgerStatus::SUCCESS);
}

TEST(HederaService, SameIdWithinWindowIsDuplicateAndExecutesOnce) {
  LedgerWorld w;
  auto tx = w.transfer("alice", "bob", 700, "pay:c-1:u-2");
  EXPECT_EQ(w.submit(tx), LedgerStatus::OK);
  w.advance(kSecond);
  EXPECT_EQ(w.submit(tx), LedgerStatus::DUPLICATE_TRANSACTION);  // before consensus
  w.advance(60 * kSecond);
  EXPECT_EQ(w.submit(tx), LedgerStatus::DUPLICATE_TRANSACTION);  // after consensus
  w.scheduler.run_until_quiet(w.scheduler.now() + 600 * kSecond);
  EXPECT_EQ(w.service.executions_for_memo("pay:c-1:u-2"), 1);
  EXPECT_EQ(w.service.balance("bob"), Money(700));
  EXPECT_EQ(w.counter.get("hedera_duplicate"), 2);
}

TEST(HederaService, ResubmissionAfterTheWindowIsExpiredNotExecuted) {
  LedgerWorld w;
  auto tx = w.transfer("alice", "bob", 500, "pay:c-1:u-3");
  EXPECT_EQ(w.submit(tx), LedgerStatus::OK);
  w.advance(121 * kSecond);  // past the 120 s valid duration
  EXPECT_EQ(w.submit(tx), LedgerStatus::TRANSACTION_EXPIRED);
  w.advance(60 * kSecond);  // past the 180 s dedup window: purged, still expired
  EXPECT_EQ(w.submit(tx), LedgerStatus::TRANSACTION_EXPIRED);
  EXPECT_EQ(w.service.executions_for_memo("pay:c-1:u-3"), 1);
  EXPECT_EQ(w.service.balance("bob"), Money(500));
}

TEST(HederaService, ReceiptIsUnknownThenSuccessThenNotFoundAfterAbout180Seconds) {
  LedgerWorld w;
  auto tx = w.transfer("alice", "bob", 10, "m");
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::RECEIPT_NOT_FOUND);  // never seen
  ASSERT_EQ(w.submit(tx), LedgerStatus::OK);
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::UNKNOWN);
  w.advance(3 * kSecond - Duration(1));
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::UNKNOWN);
  w.advance(Duration(1));
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::SUCCESS);
  w.advance(180 * kSecond);
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::SUCCESS);  // exactly 180 s after consensus
  w.advance(Duration(1));
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::RECEIPT_NOT_FOUND);
}

TEST(HederaService, UnknownOutcomeExecutesExactlyOnce) {
  HederaConfig config = fixed_delay_config();
  config.faults.unknown_outcome_rate = 1.0;
  LedgerWorld w(config);
  auto tx = w.transfer("alice", "bob", 250, "pay:c-2:u-1");
  auto r = w.service.submit(tx);
  EXPECT_EQ(r.result.precheck, LedgerStatus::TIMEOUT);
  EXPECT_EQ(r.latency, config.faults.timeout_delay);
  // The SDK's hazard: the resubmission of the same id says DUPLICATE although it worked.
  EXPECT_EQ(w.submit(tx), LedgerStatus::DUPLICATE_TRANSACTION);
  w.advance(10 * kSecond);
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::SUCCESS);
  EXPECT_EQ(w.service.executions_for_memo("pay:c-2:u-1"), 1);
  EXPECT_EQ(w.service.balance("bob"), Money(250));
  EXPECT_EQ(w.counter.get("hedera_unknown_outcome"), 1);
}

TEST(HederaService, BusyIsCountedAndHasNoEffect) {
  HederaConfig config = fixed_delay_config();
  config.faults.busy_rate = 1.0;
  LedgerWorld w(config);
  auto tx = w.transfer("alice", "bob", 1, "m");
  EXPECT_EQ(w.submit(tx), LedgerStatus::BUSY);
  EXPECT_EQ(w.submit(tx), LedgerStatus::BUSY);
  EXPECT_EQ(w.counter.get("hedera_busy"), 2);
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::RECEIPT_NOT_FOUND);
  // BUSY did not record the id, so the retry with the same id executes.
  w.service.set_faults(fixed_delay_config().faults);
  EXPECT_EQ(w.submit(tx), LedgerStatus::OK);
  w.advance(5 * kSecond);
  EXPECT_EQ(w.service.balance("bob"), Money(1));
}

TEST(HederaService, SlowNodeAndPlatformStatusesHaveNoEffect) {
  HederaConfig config = fixed_delay_config();
  config.faults.slow_node_rate = 1.0;
  LedgerWorld w(config);
  auto tx = w.transfer("alice", "bob", 1, "m");
  auto r = w.service.submit(tx);
  EXPECT_EQ(r.result.precheck, LedgerStatus::TIMEOUT);
  EXPECT_EQ(r.latency, config.faults.slow_node_delay);
  HederaFaults f = config.faults;
  f.slow_node_rate = 0;
  f.platform_not_created_rate = 1.0;
  w.service.set_faults(f);
  EXPECT_EQ(w.submit(tx), LedgerStatus::PLATFORM_TRANSACTION_NOT_CREATED);
  f.platform_not_created_rate = 0;
  f.platform_not_active_rate = 1.0;
  w.service.set_faults(f);
  EXPECT_EQ(w.submit(tx), LedgerStatus::PLATFORM_NOT_ACTIVE);
  w.advance(10 * kSecond);
  EXPECT_TRUE(w.service.executed().empty());
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::RECEIPT_NOT_FOUND);
  EXPECT_EQ(w.counter.get("hedera_slow_node"), 1);
}

TEST(HederaService, PrechecksRefuseBadDurationFutureStartLongMemoAndShortBalance) {
  LedgerWorld w;
  auto tx = w.transfer("alice", "bob", 1, "m");
  tx.valid_duration = 181 * kSecond;
  EXPECT_EQ(w.submit(tx), LedgerStatus::INVALID_TRANSACTION_DURATION);
  tx.valid_duration = 14 * kSecond;
  EXPECT_EQ(w.submit(tx), LedgerStatus::INVALID_TRANSACTION_DURATION);
  tx = w.transfer("alice", "bob", 1, "m");
  tx.id.valid_start = w.scheduler.now() + Duration(1);
  EXPECT_EQ(w.submit(tx), LedgerStatus::INVALID_TRANSACTION_START);
  EXPECT_EQ(w.submit(w.transfer("alice", "bob", 1, std::string(101, 'x'))), LedgerStatus::MEMO_TOO_LONG);
  EXPECT_EQ(w.submit(w.transfer("alice", "bob", 1, std::string(100, 'x'))), LedgerStatus::OK);
  w.advance(Duration(1));
  EXPECT_EQ(w.submit(w.transfer("bob", "alice", 5, "m2")), LedgerStatus::INSUFFICIENT_PAYER_BALANCE);
}

TEST(HederaService, SenderDrainedBeforeConsensusFailsInTheReceipt) {
  LedgerWorld w;
  auto first = w.transfer("alice", "bob", 4'000'000, "a");
  EXPECT_EQ(w.submit(first), LedgerStatus::OK);
  w.advance(Duration(1));
  auto second = w.transfer("alice", "bob", 4'000'000, "b");
  EXPECT_EQ(w.submit(second), LedgerStatus::OK);  // precheck sees the balance before consensus
  w.advance(10 * kSecond);
  EXPECT_EQ(w.receipt(first.id), LedgerStatus::SUCCESS);
  EXPECT_EQ(w.receipt(second.id), LedgerStatus::INSUFFICIENT_PAYER_BALANCE);
  EXPECT_EQ(w.service.balance("bob"), Money(4'000'000));
  EXPECT_EQ(w.service.executions_for_memo("b"), 0);
}

TEST(HederaService, SupplyIsConservedAcrossTransfersAndEscrows) {
  HederaConfig config;
  config.accounts = {{"alice", Money(5'000'000)}};
  LedgerWorld w(config, 5);
  sim::Prng pick = sim::Prng::stream(5, "test");
  const std::vector<std::string> names = {"alice", "treasury", "u-1", "u-2", "escrow:c-1", "escrow:c-2"};
  for (int i = 0; i < 200; ++i) {
    auto from = names[engine::choice(pick, names.size())];
    auto to = names[engine::choice(pick, names.size())];
    w.submit(w.transfer(from, to, engine::uniform_range(pick, 0, 3'000'000), "m-" + std::to_string(i)));
    w.advance(Duration(engine::uniform_range(pick, 1, 2'000'000)));
    ASSERT_EQ(w.service.accounts().sum_balances(), w.service.total_minted()) << i;
  }
  w.scheduler.run_until_quiet(w.scheduler.now() + 60 * kSecond);
  EXPECT_EQ(w.service.in_flight(), 0u);
  EXPECT_EQ(w.service.accounts().sum_balances(), w.service.total_minted());
  // alice's start plus 10^12 for each unnamed non-escrow account that was used.
  std::int64_t expected = 5'000'000;
  for (const auto& [name, b] : w.service.accounts().balances())
    if (name != "alice" && !name.starts_with("escrow:")) expected += 1'000'000'000'000LL;
  EXPECT_EQ(w.service.total_minted(), Money(expected));
}

TEST(HederaService, ContractCreateEscrowsTheBudgetIntoAnEmptyAccount) {
  LedgerWorld w;
  auto tx = w.transfer("alice", "escrow:c-1", 1'000'000, "contract:c-1");
  tx.op = engine::LedgerOp::contract_create;
  EXPECT_EQ(w.service.balance("escrow:c-1"), Money(0));
  ASSERT_EQ(w.submit(tx), LedgerStatus::OK);
  w.advance(5 * kSecond);
  EXPECT_EQ(w.service.balance("escrow:c-1"), Money(1'000'000));
  EXPECT_EQ(w.service.executed().at(0).op, engine::LedgerOp::contract_create);
}

TEST(HederaService, ReceiptFailureKnobFailsAtConsensusWithoutMovingMoney) {
  HederaConfig config = fixed_delay_config();
  config.faults.contract_revert_rate = 1.0;
  LedgerWorld w(config);
  auto tx = w.transfer("alice", "bob", 10, "m");
  EXPECT_EQ(w.submit(tx), LedgerStatus::OK);
  w.advance(5 * kSecond);
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::CONTRACT_REVERT_EXECUTED);
  EXPECT_EQ(w.service.balance("bob"), Money(0));
  EXPECT_EQ(w.counter.get("hedera_contract_revert"), 1);
}

TEST(HederaService, FindByMemoSeesTheExecutedTransactionAfterTheMirrorLag) {
  HederaConfig config = fixed_delay_config();
  config.faults.mirror_lag = 2 * kSecond;
  LedgerWorld w(config);
  auto tx = w.transfer("alice", "bob", 10, "pay:c-3:u-1");
  w.submit(tx);
  w.advance(3 * kSecond);
  EXPECT_FALSE(w.service.find_by_memo("pay:c-3:u-1").result.id.has_value());
  w.advance(2 * kSecond);
  auto found = w.service.find_by_memo("pay:c-3:u-1").result;
  ASSERT_TRUE(found.id.has_value());
  EXPECT_EQ(*found.id, tx.id);
  EXPECT_EQ(found.status, LedgerStatus::SUCCESS);
  w.advance(3600 * kSecond);  // durable, unlike the receipt
  EXPECT_TRUE(w.service.find_by_memo("pay:c-3:u-1").result.id.has_value());
  EXPECT_EQ(w.receipt(tx.id), LedgerStatus::RECEIPT_NOT_FOUND);
}

// Public mirror nodes show a transaction 5-15 s after consensus; the mock lags by
// default, so a lookup right after consensus misses what just executed.
TEST(HederaService, ByDefaultTheMirrorShowsARecordFiveSecondsAfterConsensus) {
  LedgerWorld w;
  auto tx = w.transfer("alice", "bob", 10, "pay:c-4:u-2");
  w.submit(tx);
  w.advance(3 * kSecond);  // consensus
  ASSERT_EQ(w.receipt(tx.id), LedgerStatus::SUCCESS);
  w.advance(4 * kSecond);
  EXPECT_FALSE(w.service.find_by_memo("pay:c-4:u-2").result.id.has_value()) << "4 s after consensus";
  w.advance(1 * kSecond);
  EXPECT_TRUE(w.service.find_by_memo("pay:c-4:u-2").result.id.has_value()) << "5 s after consensus";
}

TEST(HederaService, ScriptedFailuresRefuseOrFailAtConsensusOnce) {
  LedgerWorld w;
  w.service.inject_next({LedgerStatus::BUSY, std::string("c-9"), {}, false});
  w.service.inject_next({LedgerStatus::INSUFFICIENT_GAS, std::string("c-9"), {}, false});
  EXPECT_EQ(w.submit(w.transfer("alice", "bob", 1, "pay:c-1")), LedgerStatus::OK);  // no match
  EXPECT_EQ(w.submit(w.transfer("alice", "bob", 1, "pay:c-9")), LedgerStatus::BUSY);
  w.advance(Duration(1));
  auto gas = w.transfer("alice", "bob", 1, "pay:c-9");
  EXPECT_EQ(w.submit(gas), LedgerStatus::OK);
  w.advance(5 * kSecond);
  EXPECT_EQ(w.receipt(gas.id), LedgerStatus::INSUFFICIENT_GAS);
  EXPECT_EQ(w.service.scripted_pending(), 0u);
  EXPECT_EQ(w.service.executions_for_memo("pay:c-9"), 0);
}

TEST(HederaService, MergeFaultTableNamesUnknownKeys) {
  HederaFaults f;
  EXPECT_EQ(merge_hedera_faults(f, {{"busy_rate", 0.1}, {"receipt_delay_max", 9'000'000}}), "");
  EXPECT_EQ(f.busy_rate, 0.1);
  EXPECT_NE(merge_hedera_faults(f, {{"bsy_rate", 0.1}}).find("bsy_rate"), std::string::npos);
  EXPECT_NE(merge_hedera_faults(f, {{"busy_rate", 2.0}}), "");
}

// Golden determinism: the same seed gives the same statuses and latencies.
std::vector<std::int64_t> faulty_session(std::uint64_t seed) {
  HederaConfig config;
  config.faults.busy_rate = 0.2;
  config.faults.unknown_outcome_rate = 0.2;
  config.faults.insufficient_gas_rate = 0.1;
  LedgerWorld w(config, seed);
  std::vector<std::int64_t> out;
  for (int i = 0; i < 30; ++i) {
    auto r = w.service.submit(w.transfer("treasury", "u-" + std::to_string(i % 7), 100, "m" + std::to_string(i)));
    out.push_back(std::int64_t(r.result.precheck));
    out.push_back(engine::to_us(r.latency));
    w.advance(kSecond);
  }
  w.scheduler.run_until_quiet(w.scheduler.now() + 60 * kSecond);
  for (const auto& e : w.service.executed()) out.push_back(engine::to_us(e.consensus_at) * 100 + int(e.status));
  return out;
}

TEST(HederaService, SameSeedGivesTheSameOutcomesAndAnotherSeedDiffers) {
  EXPECT_EQ(faulty_session(21), faulty_session(21));
  EXPECT_NE(faulty_session(21), faulty_session(22));
}

TEST(HederaClient, EngineCrashLosesTheAnswerButTheTransferStillExecutes) {
  LedgerWorld w;
  HederaClient client(w.service, w.engine_clock);
  bool answered = false;
  client.submit(w.transfer("alice", "bob", 42, "m"), [&](engine::SubmitResult) { answered = true; });
  w.scheduler.crash_owner(1);
  EXPECT_TRUE(w.scheduler.run_until_quiet(w.scheduler.now() + 60 * kSecond));
  EXPECT_FALSE(answered);
  EXPECT_EQ(w.service.balance("bob"), Money(42));
}

TEST(HederaClient, AnswersArriveOnTheEngineClock) {
  LedgerWorld w;
  HederaClient client(w.service, w.engine_clock);
  auto tx = w.transfer("alice", "bob", 42, "m");
  std::vector<std::string> seen;
  client.submit(tx, [&](engine::SubmitResult r) {
    seen.push_back(engine::to_string(r.precheck));
    client.get_receipt(tx.id, [&](engine::ReceiptResult rr) { seen.push_back(engine::to_string(rr.status)); });
    // Consensus at 3 s; the mirror shows it 5 s later.
    w.engine_clock.start_wait(9 * kSecond, engine::TimerKind::foreground, "later", [&](auto) {
      client.get_receipt(tx.id, [&](engine::ReceiptResult rr) { seen.push_back(engine::to_string(rr.status)); });
      client.find_by_memo("m", [&](engine::MemoLookupResult m) { seen.push_back(m.id ? "found" : "missing"); });
    });
  });
  w.scheduler.run_until_quiet(w.scheduler.now() + 60 * kSecond);
  std::sort(seen.begin() + 2, seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"OK", "UNKNOWN", "SUCCESS", "found"}));
}

}  // namespace
}  // namespace clsim::mocks
