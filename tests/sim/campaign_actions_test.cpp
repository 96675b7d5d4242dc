// kCampaignActions is what a replayed log may name as a campaign outcome: it must
// hold every action a run's engine emits, or replay would refuse its own captures.
#include <gtest/gtest.h>

#include <set>

#include "engine/names.hpp"
#include "engine/ports/notifier.hpp"
#include "sim/replay/divergences.hpp"
#include "sim/replay/event_log.hpp"
#include "tests/sim/script_text.hpp"

namespace clsim::sim {
namespace {

// A paid claim, an update, an expiry with returns, and a publish that fails for
// want of money: every path that emits a campaign event.
const char* kEveryPath = R"(
world { audience = { users = 40, engage_probability = 0.7 }, accounts = { alice = 10000000, bob = 10 } }
local c = campaign { owner = "alice", budget = 1000000, duration = hours(2), claim_window = hours(2),
                     rates = { like = 100, retweet = 300, quote = 500, reply = 200 }, text = "Launch day" }
update(c, { text = "Launch day, updated" })
publish(c)
local poor = campaign { owner = "bob", budget = 1000, duration = hours(2), claim_window = hours(2),
                        rates = { like = 1, retweet = 1, quote = 1, reply = 1 }, text = "Too dear" }
publish(poor)
run_for(hours(2) + minutes(10))
local rs = rewards(c)
check(#rs > 1, "rewards to claim and to return")
check(claim(c, rs[1].user), "claimed")
run_until_quiet()
check(state(c) == "EXPIRED", "expired")
check(state(poor) == "FAILED", "failed")
)";

std::string action_of(const std::string& type) {
  const auto a = type.find(':') + 1;
  return type.substr(a, type.find(':', a) - a);
}

TEST(CampaignActions, EveryCampaignEventARunEmitsNamesAKnownActionAndReadsAsAnOutcome) {
  auto r = testing::run_script_text(kEveryPath);
  ASSERT_EQ(r.exit_code, 0) << r.error;
  const std::set<std::string_view> known(engine::kCampaignActions.begin(), engine::kCampaignActions.end());
  std::set<std::string> emitted;
  for (const auto& o : engine_outcomes(*r.sim))
    if (o.type.rfind("campaign:", 0) == 0) emitted.insert(o.type);
  for (const char* must : {"campaign:claim:v1:success", "campaign:return:v1:success", "campaign:publish:v1:failed",
                           "campaign:update:v1:success", "campaign:refund:v1:success"})
    EXPECT_TRUE(emitted.count(must)) << must << " was not emitted: the script no longer covers its path";
  for (const auto& type : emitted) {
    EXPECT_TRUE(known.count(action_of(type))) << type;
    EXPECT_EQ(kind_of(type), LineKind::outcome) << type;
  }
  EXPECT_EQ(kind_of(engine::kStateUpdateEvent), LineKind::outcome);
}

TEST(CampaignActions, AnActionTheEngineNeverEmitsIsAnUnknownType) {
  const std::string line =
      R"({"ts_us": 1, "type": "campaign:explode:v1:requested", "event_id": "a", "campaign_id": "c-1"})";
  try {
    parse_event_log(line, "log.jsonl", false);
    ADD_FAILURE() << "an unknown action was read as an outcome";
  } catch (const LogError& e) {
    EXPECT_STREQ(e.what(), "log.jsonl:1: unknown event type 'campaign:explode:v1:requested' (--lenient skips it)");
  }
  const auto lenient = parse_event_log(line, "log.jsonl", true);
  EXPECT_TRUE(lenient.lines.empty());
  ASSERT_EQ(lenient.skipped.size(), 1u);
}

}  // namespace
}  // namespace clsim::sim
