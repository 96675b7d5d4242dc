// Every capture replays to its run: for each scenario listed, clsim run --capture's
// log replays with no divergence and no refusal but of what the run refused too, to the same campaign states,
// tweets, rewards and balances, and the same rule campaigns, matches and dead
// letters. The faults that fired are observation lines in the log (docs/CONTRACTS.md,
// "What the writers emit"), never re-armed from the world's fault rates.
//
// Scenarios not listed still diverge (measured with `clsim run S --capture C`,
// `clsim replay C --report R`, divergences in R; all `time` divergences):
//   lost_unsynced_writes 10: what a power loss took from the disk is not captured;
//   thousand_campaigns replays with none but takes seconds (see the README).
// A crash line names the crash point its engine died at, and the replayed engine
// dies there (not merely at the logged instant); timers due at one instant break
// their tie by what they are, not by how many timers came before, so the replay's
// own timers (log lines instead of the audience) do not reorder the engine's.
// smoke_virtual_clock replays with no divergence but has no campaign to compare.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <tuple>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/replay/run_capture.hpp"

using namespace clsim;
using namespace clsim::sim;

namespace {

class CaptureRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(CaptureRoundTrip, ReplaysToTheSameStatesTweetsRewardsAndBalances) {
  RunCapture capture;
  lua::ScriptOptions so;
  so.script_path = std::string(CLSIM_SOURCE_DIR) + "/scenarios/" + GetParam() + ".lua";
  so.trace_sink = [&](const std::string& l) { capture.on_trace_line(l); };
  so.engine_capture = &capture;
  so.observe_failures = true;
  so.record_faults = true;
  auto run = lua::run_script(so);
  ASSERT_EQ(run.exit_code, 0) << run.error;
  std::ostringstream out;
  JsonlCaptureWriter writer(out);
  capture.write(*run.sim, writer);

  const EventLog log = parse_event_log(out.str(), "capture.jsonl", false);
  ASSERT_TRUE(log.config);
  ReplayOptions o;
  o.identity = out.str();
  auto re = replay_log(log, o);
  ASSERT_TRUE(re.sim);
  EXPECT_EQ(re.exit_code, 0);
  EXPECT_EQ(re.seed, run.seed);
  // A refusal only of what the run refused too.
  for (const auto& r : re.refusals)
    EXPECT_NE(r.reason.find("(refused live too)"), std::string::npos) << r.line << ": " << r.reason;
  EXPECT_TRUE(re.divergences.empty()) << re.divergences.size() << " divergences, first at line "
                                      << re.divergences[0].line << " " << re.divergences[0].kind << " "
                                      << re.divergences[0].type;
  auto& a = *run.sim;
  auto& b = *re.sim;
  const auto campaigns = a.reader().campaigns();
  const auto rule_campaigns = a.reader().rule_campaigns();
  ASSERT_FALSE(campaigns.empty() && rule_campaigns.empty()) << "nothing to compare";
  const auto replayed_rules = b.reader().rule_campaigns();
  ASSERT_EQ(replayed_rules.size(), rule_campaigns.size());
  for (std::size_t i = 0; i < rule_campaigns.size(); ++i) {
    const auto &r = rule_campaigns[i], &q = replayed_rules[i];
    EXPECT_EQ(q.id, r.id);
    EXPECT_EQ(q.state, r.state) << r.id;
    EXPECT_EQ(q.paid.minor, r.paid.minor) << r.id;
    EXPECT_EQ(q.refunded.minor, r.refunded.minor) << r.id;
    EXPECT_EQ(b.hedera().balance(r.owner).minor, a.hedera().balance(r.owner).minor) << r.owner;
  }
  // The same matches, whatever order the bus delivered their events in.
  auto ma = a.reader().rule_matches(""), mb = b.reader().rule_matches("");
  for (auto* m : {&ma, &mb})
    std::sort(m->begin(), m->end(), [](const auto& x, const auto& y) {
      return std::tie(x.campaign_id, x.event_id) < std::tie(y.campaign_id, y.event_id);
    });
  ASSERT_EQ(mb.size(), ma.size());
  for (std::size_t i = 0; i < ma.size(); ++i) {
    EXPECT_EQ(mb[i].event_id, ma[i].event_id);
    EXPECT_EQ(mb[i].status, ma[i].status) << ma[i].event_id;
    EXPECT_EQ(b.hedera().balance(ma[i].user).minor, a.hedera().balance(ma[i].user).minor) << ma[i].user;
  }
  const auto da = a.reader().dead_letters(), db = b.reader().dead_letters();
  ASSERT_EQ(db.size(), da.size());
  for (std::size_t i = 0; i < da.size(); ++i) {
    EXPECT_EQ(db[i].event_id, da[i].event_id);
    EXPECT_EQ(db[i].reason, da[i].reason) << da[i].event_id;
  }
  for (const auto& c : campaigns) {
    const auto d = b.reader().campaign(c.id);
    ASSERT_TRUE(d) << c.id;
    EXPECT_EQ(d->state, c.state) << c.id;
    EXPECT_EQ(d->claimed.minor, c.claimed.minor) << c.id;
    EXPECT_EQ(d->returned.minor, c.returned.minor) << c.id;
    EXPECT_EQ(d->refunded.minor, c.refunded.minor) << c.id;
    const auto ta = a.reader().tweets(c.id), tb = b.reader().tweets(c.id);
    ASSERT_EQ(ta.size(), tb.size()) << c.id;
    for (std::size_t i = 0; i < ta.size(); ++i)
      EXPECT_EQ(a.twitter().find_tweet(ta[i])->tweet.text, b.twitter().find_tweet(tb[i])->tweet.text);
    const auto ra = a.reader().rewards(c.id), rb = b.reader().rewards(c.id);
    ASSERT_EQ(ra.size(), rb.size()) << c.id;
    for (std::size_t i = 0; i < ra.size(); ++i) {
      EXPECT_EQ(ra[i].user, rb[i].user) << c.id;
      EXPECT_EQ(ra[i].status, rb[i].status) << c.id << " " << ra[i].user;
      EXPECT_EQ(a.hedera().balance(ra[i].user).minor, b.hedera().balance(ra[i].user).minor) << ra[i].user;
    }
    EXPECT_EQ(a.hedera().balance("escrow:" + c.id).minor, b.hedera().balance("escrow:" + c.id).minor) << c.id;
    EXPECT_EQ(a.hedera().balance(c.owner).minor, b.hedera().balance(c.owner).minor) << c.id;
  }
}

// The scenarios whose captures replay with no divergence; the list only grows.
INSTANTIATE_TEST_SUITE_P(Scenarios, CaptureRoundTrip,
                         ::testing::Values("bus_duplicates_and_reorder", "claim_window_partial_claims",
                                           "crash_after_contract",
                                           "crash_after_first_tweet", "crash_after_second_tweet",
                                           "crash_at_every_point", "crash_during_close", "duplicate_publish",
                                           "happy_path", "hedera_busy_storm", "hedera_unknown_outcome",
                                           "rule_campaign_duplicates_and_poison", "twitter_5xx_burst", "twitter_rate_limit_storm",
                                           "two_engines_race_a_tweet", "update_before_and_after_publish",
                                           "websocket_disconnect_storm"));

}  // namespace
