// Fault schedules: an entry fires on the nth decision for its (fault, call) at
// or after its time and on nothing else; a recorder writes the schedule that
// makes a random run's decisions again; deciding under a schedule still draws,
// so the stream's later values stay where they were.
#include <gtest/gtest.h>

#include "engine/core/distributions.hpp"
#include "mocks/fault_counter.hpp"
#include "sim/runtime/prng.hpp"

namespace clsim::mocks {
namespace {

using engine::Duration;
using engine::TimePoint;

TimePoint at_s(int s) { return TimePoint{} + std::chrono::seconds(s); }

TEST(FaultSchedule, AnEntryFiresOnTheNthDecisionForItsCallAtOrAfterItsTime) {
  FaultSchedule s({{at_s(10), "twitter_error", "POST /2/tweets c-1", 2}});
  EXPECT_FALSE(s.take("twitter_error", "POST /2/tweets c-1", at_s(5)));   // before `at`: not counted
  EXPECT_FALSE(s.take("twitter_error", "POST /2/tweets c-2", at_s(10)));  // another call
  EXPECT_FALSE(s.take("hedera_busy", "POST /2/tweets c-1", at_s(10)));    // another fault
  EXPECT_FALSE(s.take("twitter_error", "POST /2/tweets c-1", at_s(10)));  // 1st
  EXPECT_TRUE(s.take("twitter_error", "POST /2/tweets c-1", at_s(11)));   // 2nd: fires
  EXPECT_FALSE(s.take("twitter_error", "POST /2/tweets c-1", at_s(12)));  // once only
  EXPECT_TRUE(s.pending().empty());
}

TEST(FaultSchedule, TwoEntriesForOneCallKeepTheirOwnCountsAndUnfiredOnesArePending) {
  FaultSchedule s({{at_s(0), "bus_duplicate", "campaigns x", 1},
                   {at_s(0), "bus_duplicate", "campaigns x", 3},
                   {at_s(0), "disk_ioerr", "sync engine-1.db", 1}});
  EXPECT_TRUE(s.take("bus_duplicate", "campaigns x", at_s(1)));
  EXPECT_FALSE(s.take("bus_duplicate", "campaigns x", at_s(2)));
  EXPECT_TRUE(s.take("bus_duplicate", "campaigns x", at_s(3)));
  const auto left = s.pending();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].fault, "disk_ioerr");
}

TEST(FaultRecorder, RecordsTheFiredDecisionsAsASchedule_CountingDecisionsAtTheSameTime) {
  FaultRecorder r;
  r.decision("hedera_busy", "memo c-1", at_s(4), false);
  r.decision("hedera_busy", "memo c-1", at_s(4), true);  // 2nd decision at 4 s
  r.decision("hedera_busy", "memo c-1", at_s(9), true);  // a new time starts the count again
  r.decision("hedera_busy", "memo c-2", at_s(9), false);
  ASSERT_EQ(r.fired().size(), 2u);
  EXPECT_EQ(r.fired()[0], (ScheduledFault{at_s(4), "hedera_busy", "memo c-1", 2}));
  EXPECT_EQ(r.fired()[1], (ScheduledFault{at_s(9), "hedera_busy", "memo c-1", 1}));
  // The recorded schedule makes the same decisions.
  FaultSchedule s(r.fired());
  EXPECT_FALSE(s.take("hedera_busy", "memo c-1", at_s(4)));
  EXPECT_TRUE(s.take("hedera_busy", "memo c-1", at_s(4)));
  EXPECT_TRUE(s.take("hedera_busy", "memo c-1", at_s(9)));
  EXPECT_FALSE(s.take("hedera_busy", "memo c-2", at_s(9)));
}

TEST(FaultCounter, DecidingUnderAScheduleDrawsAsBefore_SoLaterDrawsOfTheStreamDoNotMove) {
  sim::Prng plain = sim::Prng::stream(42, "twitter");
  sim::Prng scheduled = sim::Prng::stream(42, "twitter");
  FaultCounter c;
  c.install_schedule({{TimePoint{}, "twitter_error", "call", 3}});
  std::vector<bool> fired;
  for (int i = 0; i < 5; ++i) {
    engine::bernoulli(plain, 0.5);
    fired.push_back(c.decide(scheduled, 0.5, [] { return FaultCounter::Call{"twitter_error", "call"}; }));
  }
  EXPECT_EQ(fired, (std::vector<bool>{false, false, true, false, false}));
  EXPECT_EQ(plain.next_u64(), scheduled.next_u64());
}

TEST(FaultCounter, RecordingKeepsTheRandomDecisions) {
  sim::Prng a = sim::Prng::stream(7, "hedera");
  sim::Prng b = sim::Prng::stream(7, "hedera");
  FaultCounter c;
  c.record(true);
  int fired = 0;
  for (int i = 0; i < 50; ++i) {
    const bool expect = engine::bernoulli(a, 0.3);
    EXPECT_EQ(c.decide(b, 0.3, [] { return FaultCounter::Call{"hedera_busy", "memo c-1"}; }), expect);
    fired += expect;
  }
  EXPECT_GT(fired, 0);
  EXPECT_EQ(c.recorded().size(), std::size_t(fired));
}

TEST(FaultCounter, RecordedFaultsAndObservedFailuresNameTheEngineThatMadeTheCall) {
  sim::Prng rng = sim::Prng::stream(5, "bus");
  FaultCounter c;
  c.record(true);
  c.observe(true);
  int caller = 2;
  c.set_caller([&] { return caller; });
  c.decide(rng, 1.0, [] { return FaultCounter::Call{"bus_duplicate", "x"}; });
  caller = 0;  // the world's own event
  c.decide(rng, 1.0, [] { return FaultCounter::Call{"bus_duplicate", "x"}; });
  ASSERT_EQ(c.recorded().size(), 2u);
  EXPECT_EQ(c.recorded()[0].engine, 2);
  EXPECT_EQ(c.recorded()[1].engine, 0);
  caller = 3;
  c.note_failure({.service = "twitter"});
  ObservedFailure named{.service = "hedera"};
  named.engine = 1;  // a mock that knows its caller keeps its own answer
  c.note_failure(named);
  ASSERT_EQ(c.failures().size(), 2u);
  EXPECT_EQ(c.failures()[0].engine, 3);
  EXPECT_EQ(c.failures()[1].engine, 1);
}

TEST(FaultCounter, APlainRunNeverNamesTheCall) {
  sim::Prng rng = sim::Prng::stream(3, "bus");
  FaultCounter c;
  int named = 0;
  for (int i = 0; i < 20; ++i) c.decide(rng, 0.5, [&] { return ++named, FaultCounter::Call{"bus_duplicate", "x"}; });
  EXPECT_EQ(named, 0);
  c.record(true);
  c.decide(rng, 0.5, [&] { return ++named, FaultCounter::Call{"bus_duplicate", "x"}; });
  EXPECT_EQ(named, 1);
}

}  // namespace
}  // namespace clsim::mocks
