// The invariant checker's light read of every campaign (campaign_books) gives
// the same state and money as the full list, in the same order, at every stage
// of a campaign's life: publishing, running, closing with a refund pending,
// claims paid and in flight, and after the expiry's return.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sim/world/simulation.hpp"

namespace clsim::sim {
namespace {

constexpr engine::Duration kMinute = engine::Duration(60'000'000);

void expect_same_books(Simulation& sim, const std::string& when) {
  const auto full = sim.reader().campaigns();
  const auto books = sim.reader().campaign_books();
  ASSERT_EQ(books.size(), full.size()) << when;
  for (std::size_t i = 0; i < full.size(); ++i) {
    const auto& f = full[i];
    const auto& b = books[i];
    const std::string at = when + " " + f.id;
    EXPECT_EQ(b.id, f.id) << at;
    EXPECT_EQ(b.state, f.state) << at;
    EXPECT_EQ(b.step, f.step) << at;
    EXPECT_EQ(b.escrowed, f.escrowed) << at;
    EXPECT_EQ(b.refunded, f.refunded) << at;
    EXPECT_EQ(b.refund_pending, f.refund_pending) << at;
    EXPECT_EQ(b.returned, f.returned) << at;
    EXPECT_EQ(b.claimed, f.claimed) << at;
    EXPECT_EQ(b.claimable, f.claimable) << at;
    EXPECT_EQ(b.in_flight, f.in_flight) << at;
  }
}

TEST(CampaignBooks, AgreeWithTheFullCampaignListAtEveryStage) {
  WorldConfig cfg;
  cfg.world = {{"audience", {{"users", 30}, {"engage_probability", 0.7}}}};
  Simulation sim(cfg, "campaign_books_test");
  // Receipts take minutes, so refunds, claims and returns stay in flight across
  // the samples below.
  ASSERT_EQ(sim.merge_faults({{"hedera", {{"receipt_delay_min", 240'000'000}, {"receipt_delay_max", 420'000'000}}}}),
            "");
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    engine::CampaignSpec spec;
    spec.owner = "owner-" + std::to_string(i % 3 + 1);
    spec.budget = engine::Money(50'000);
    spec.rates = engine::Rates{engine::Money(10), engine::Money(30), engine::Money(50), engine::Money(20)};
    spec.duration = kMinute * (30 + 10 * i);
    spec.claim_window = kMinute * 60;
    spec.text = "Books campaign " + std::to_string(i + 1);
    const auto created = sim.create(spec);
    ASSERT_TRUE(created.ok) << created.reason;
    ids.push_back(created.id);
    if (i % 4 == 3) continue;  // every fourth stays CREATED
    ASSERT_TRUE(sim.publish(created.id, spec.owner).ok);
  }
  std::set<std::string> seen_states;
  bool in_flight_seen = false, claimed_seen = false, returned_seen = false;
  for (int step = 0; step < 60; ++step) {
    // Claim whatever has become claimable, so claims are in flight at some steps.
    // Half the users claim, so the expiry has rewards to return; the lists are
    // compared right after the claims too, while they are in flight.
    for (const auto& id : ids) {
      for (const auto& r : sim.reader().reward_records(id)) {
        if (r.status == "claimable" && r.user.back() % 2 == 0) sim.claim(id, r.user);
      }
    }
    expect_same_books(sim, "after claims at step " + std::to_string(step));
    for (const auto& c : sim.reader().campaigns()) in_flight_seen |= c.in_flight.minor > 0;
    sim.world().run_for(kMinute * 5);
    for (const auto& c : sim.reader().campaigns()) {
      seen_states.insert(c.state);
      in_flight_seen |= c.in_flight.minor > 0;
      claimed_seen |= c.claimed.minor > 0;
      returned_seen |= c.returned.minor > 0;
    }
    expect_same_books(sim, "at step " + std::to_string(step));
  }
  for (const char* s : {"CREATED", "RUNNING", "REWARD_CLAIM", "EXPIRED"}) EXPECT_TRUE(seen_states.count(s)) << s;
  EXPECT_TRUE(in_flight_seen);
  EXPECT_TRUE(claimed_seen);
  EXPECT_TRUE(returned_seen);
  EXPECT_TRUE(sim.world().violations().empty());
}

}  // namespace
}  // namespace clsim::sim
