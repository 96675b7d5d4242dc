// The check every capture round trip makes: the capture replays with no divergence
// and no refusal but of what the run refused too, to the same campaign states,
// tweets, rewards and balances, and the same rule campaigns, matches and dead letters.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>

#include "sim/replay/replayer.hpp"

namespace clsim::sim {

inline void expect_replays_to_the_same_end(const std::string& capture, Simulation& run, std::uint64_t seed) {
  const EventLog log = parse_event_log(capture, "capture.jsonl", false);
  ASSERT_TRUE(log.config);
  ReplayOptions o;
  o.identity = capture;
  auto re = replay_log(log, o);
  ASSERT_TRUE(re.sim);
  EXPECT_EQ(re.exit_code, 0);
  EXPECT_EQ(re.seed, seed);
  // A refusal only of what the run refused too.
  for (const auto& r : re.refusals)
    EXPECT_NE(r.reason.find("(refused live too)"), std::string::npos) << r.line << ": " << r.reason;
  EXPECT_TRUE(re.divergences.empty()) << re.divergences.size() << " divergences, first at line "
                                      << re.divergences[0].line << " " << re.divergences[0].kind << " "
                                      << re.divergences[0].type;
  auto& a = run;
  auto& b = *re.sim;
  const auto campaigns = a.reader().campaigns();
  const auto rule_campaigns = a.reader().rule_campaigns();
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

}  // namespace clsim::sim
