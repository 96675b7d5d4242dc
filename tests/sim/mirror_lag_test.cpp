// The mirror node lags consensus, so a memo lookup can miss a payment that just
// executed. The engine asks only once the old id's window has closed and the
// mirror has had time to catch up past it. Here claims are submitted, half their
// answers lost, and the engine crashes; it comes back after the receipts are gone,
// so only the mirror (25 s behind) can tell what was paid: each claim is found
// there and paid exactly once. (A mirror behind by more than the engine was away
// would hide the payments and they would be paid twice: the check bites.)
#include <gtest/gtest.h>

#include "script_text.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {
namespace {

TEST(MirrorLag, LostLedgerAnswersAreFoundOnALaggingMirrorAndEveryClaimIsPaidOnce) {
  const auto r = testing::run_script_text(R"(
world { audience = { users = 0 }, accounts = { alice = 10000000, ["u-1"] = 0, ["u-2"] = 0, ["u-3"] = 0, ["u-4"] = 0,
                                                ["u-5"] = 0, ["u-6"] = 0 },
        faults = { hedera = { unknown_outcome_rate = 0.5, mirror_lag = seconds(25) } } }
local c = campaign { owner = "alice", budget = 100000, duration = hours(1), claim_window = hours(2),
                     rates = { like = 10, retweet = 20, quote = 30, reply = 40 } }
publish(c)
run_for(minutes(3))
for i = 1, 6 do check(engage(c, "u-" .. i, "like"), "u-" .. i .. " likes") end
run_for(hours(1) + minutes(10))
check(state(c) == "REWARD_CLAIM", "closed: " .. state(c))
for i = 1, 6 do claim(c, "u-" .. i) end
run_for(seconds(1))
crash(1, seconds(200))
run_until_quiet()
for i = 1, 6 do check(balance("u-" .. i) == 10, "u-" .. i .. " paid once: " .. balance("u-" .. i)) end
)");
  ASSERT_EQ(r.exit_code, 0) << r.error;
  const auto cov = r.sim->world().coverage().to_json();
  EXPECT_GE(cov["sometimes"].value("ledger_memo_lookup_found", 0), 1) << "no lookup met the lagging mirror";
}

}  // namespace
}  // namespace clsim::sim
