// clsim shrink and the fault_schedule{} it writes: a scheduled fault fires at
// its named call with no random rate; a bad schedule is bad input with its
// line; a failing seed shrinks to a smaller scenario that fails the same way
// (and passes without the bug); a passing seed writes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/swarm/plan_lua.hpp"
#include "sim/swarm/shrinker.hpp"
#include "tests/sim/script_text.hpp"
#include "tests/sim/shell_run.hpp"

namespace clsim::sim {
namespace {

using testing::run_script_text;

const char* kOneCampaign = R"(
world { accounts = { alice = 10000000 } }
local c = campaign { owner = "alice", budget = 1000000, duration = hours(2), claim_window = hours(2),
                     rates = { like = 100, retweet = 300, quote = 500, reply = 200 }, text = "Launch day" }
publish(c)
run_until_quiet()
check(state(c) == "EXPIRED", "finished: " .. tostring(state(c)))
)";

TEST(FaultScheduleLua, AScheduledFaultFiresAtItsCallWithNoRateSet) {
  auto plain = run_script_text(kOneCampaign);
  ASSERT_EQ(plain.exit_code, 0) << plain.error;
  EXPECT_EQ(plain.sim->fault_counter().get("twitter_error"), 0);
  auto r = run_script_text(std::string("fault_schedule { { at = 0, fault = \"twitter_error\", on = \"POST /2/tweets c-1\" } }\n") +
                    kOneCampaign);
  ASSERT_EQ(r.exit_code, 0) << r.error;  // the saga retries the 5xx
  EXPECT_EQ(r.sim->fault_counter().get("twitter_error"), 1);
  EXPECT_TRUE(r.sim->fault_counter().schedule()->pending().empty());
}

TEST(FaultScheduleLua, ABadEntryIsBadInputNamingTheScriptLineAndField) {
  const auto error_of = [](const std::string& text) {
    auto r = run_script_text(text);
    EXPECT_EQ(r.exit_code, 2) << text;
    return r.error;
  };
  std::string e = error_of("\nfault_schedule { { at = 0, fault = \"twitter_oops\", on = \"x\" } }\n");
  EXPECT_NE(e.find("script_text_test.lua:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("fault_schedule[1].fault: unknown fault 'twitter_oops'"), std::string::npos) << e;
  e = error_of("fault_schedule { { at = 0, fault = \"hedera_busy\" } }\n");
  EXPECT_NE(e.find("fault_schedule[1].on: required"), std::string::npos) << e;
  e = error_of("fault_schedule { { at = -1, fault = \"hedera_busy\", on = \"x\" } }\n");
  EXPECT_NE(e.find("fault_schedule[1].at"), std::string::npos) << e;
  e = error_of("fault_schedule { { at = 0, fault = \"hedera_busy\", on = \"x\", nth = 0 } }\n");
  EXPECT_NE(e.find("fault_schedule[1].nth: expected >= 1"), std::string::npos) << e;
  e = error_of("world {}\nrun_for(seconds(1))\nfault_schedule {}\n");
  EXPECT_NE(e.find("must come before the first action"), std::string::npos) << e;
}

TEST(PlanLua, DurationsReadAsTimeHelpersAndValuesAsLuaLiterals) {
  EXPECT_EQ(lua_duration(0), "0");
  EXPECT_EQ(lua_duration(90'000'000), "minutes(1) + seconds(30)");
  EXPECT_EQ(lua_duration(90'000'261'589), "days(1) + hours(1) + ms(261) + 589");
  EXPECT_EQ(lua_duration(172'800'000'000), "days(2)");
  const nlohmann::ordered_json spec = {{"owner", "a\"b"}, {"duration", 7'200'000'000}, {"rates", {{"like", 1}}},
                                       {"tags", {"x", true}}, {"odd key", nullptr}};
  EXPECT_EQ(lua_literal(spec, {"duration"}),
            R"({ owner = "a\"b", duration = hours(2), rates = { like = 1 }, tags = { "x", true }, ["odd key"] = nil })");
}

engine::Mutations duplicate_tweet_bug() {
  engine::Mutations m;
  m.skip_duplicate_tweet_check = true;
  return m;
}

TEST(Shrink, AScenarioSeedShrinksToFewerScheduledFaultsThatFailTheSameWayAndPassWithoutTheBug) {
  ShrinkOptions o;
  o.scenario = "scenarios/twitter_5xx_burst.lua";
  o.seed = 7;
  o.mutations = duplicate_tweet_bug();
  const ShrinkResult r = shrink(o);
  ASSERT_EQ(r.exit_code, 0) << r.error;
  EXPECT_EQ(r.signature, "invariant no_duplicate_tweet");
  EXPECT_LT(r.after.scheduled, r.before.scheduled);
  EXPECT_GE(r.after.scheduled, 1u);  // a duplicate tweet needs a fault after create
  EXPECT_NE(r.lua.find("fault_schedule {"), std::string::npos);
  auto bad = run_script_text(r.lua, o.mutations, 7);
  ASSERT_EQ(bad.exit_code, 1) << bad.error;
  EXPECT_EQ(failure_signature(*bad.sim), r.signature);
  EXPECT_EQ(run_script_text(r.lua, {}, 7).exit_code, 0);
}

TEST(Shrink, ARandomSeedShrinksItsWorkloadAndFaultsToAnExplicitScenario) {
  ShrinkOptions o;
  o.seed = 1;
  // As --focused --fault twitter.timeout_after_create_rate=0.5.
  o.bias.random_faults = false, o.bias.max_social_campaigns = 3, o.bias.no_rule_campaigns = true;
  o.bias.extra_faults["twitter"]["timeout_after_create_rate"] = 0.5;
  o.mutations = duplicate_tweet_bug();
  const ShrinkResult r = shrink(o);
  ASSERT_EQ(r.exit_code, 0) << r.error;
  EXPECT_EQ(r.signature, "invariant no_duplicate_tweet");
  EXPECT_LT(r.after.actions, r.before.actions);
  EXPECT_LE(r.after.scheduled, r.before.scheduled);
  EXPECT_NE(r.lua.find("campaign, {"), std::string::npos);
  auto bad = run_script_text(r.lua, o.mutations);
  ASSERT_EQ(bad.exit_code, 1) << bad.error;
  EXPECT_EQ(failure_signature(*bad.sim), r.signature);
  EXPECT_EQ(run_script_text(r.lua).exit_code, 0);
}

TEST(ShrinkCli, APassingSeedExits2AndWritesNothing_UsageErrorsExit2) {
  const std::string out = ::testing::TempDir() + "clsim_shrink_" + std::to_string(::getpid()) + ".lua";
  std::filesystem::remove(out);
  const std::string clsim = CLSIM_BINARY;
  auto r = testing::sh(clsim + " shrink --scenario scenarios/happy_path.lua --seed 3 --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.text;
  EXPECT_NE(r.text.find("passes: nothing to shrink; nothing written"), std::string::npos) << r.text;
  EXPECT_FALSE(std::filesystem::exists(out));
  r = testing::sh(clsim + " shrink --random --scenario scenarios/happy_path.lua --seed 3 --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.text;
  r = testing::sh(clsim + " shrink --random --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.text;
  EXPECT_NE(r.text.find("--seed"), std::string::npos) << r.text;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace clsim::sim
