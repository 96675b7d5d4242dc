// Engagement polling stores the engager lists of one metrics batch in one
// transaction: every list of the batch is recorded at one moment (one commit),
// and lists read before a rate limit cut the poll short are stored all the same.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "mocks/twitter/twitter_service.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {
namespace {

constexpr engine::Duration kMinute = engine::Duration(60'000'000);

// `n` RUNNING campaigns with no audience of their own, a few minutes in.
std::vector<std::string> running_campaigns(Simulation& sim, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    engine::CampaignSpec spec;
    spec.owner = "owner-" + std::to_string(i % 8 + 1);
    spec.budget = engine::Money(100'000);
    spec.rates = engine::Rates{engine::Money(1), engine::Money(2), engine::Money(3), engine::Money(4)};
    spec.duration = kMinute * 60;
    spec.claim_window = kMinute * 60;
    spec.text = "Poll commit campaign " + std::to_string(i + 1);
    const auto created = sim.create(spec);
    EXPECT_TRUE(created.ok) << created.reason;
    EXPECT_TRUE(sim.publish(created.id, spec.owner).ok);
    ids.push_back(created.id);
  }
  sim.world().run_for(kMinute * 3);
  for (const auto& id : ids) EXPECT_EQ(sim.reader().campaign(id)->state, "RUNNING") << id;
  return ids;
}

struct Recorded {
  int lines = 0;
  int lists_asked = 0;  // engager list requests to mock X
  std::int64_t added = 0;
  std::set<std::int64_t> at_us;
};

// The engagements_recorded lines the trace gets from now on.
std::shared_ptr<Recorded> watch(Simulation& sim) {
  auto seen = std::make_shared<Recorded>();
  sim.world().trace().set_sink([seen](const std::string& line) {
    const auto j = nlohmann::json::parse(line);
    seen->lists_asked += j["ev"] == "twitter:list_engagers";
    if (j["ev"] != "engagements_recorded") return;
    ++seen->lines;
    seen->added += j["added"].get<std::int64_t>();
    seen->at_us.insert(j["t_us"].get<std::int64_t>());
  });
  return seen;
}

std::unique_ptr<Simulation> quiet_world() {
  WorldConfig cfg;
  cfg.world = {{"audience", {{"users", 0}}}};
  return std::make_unique<Simulation>(cfg, "poll_commit_test");
}

TEST(PollCommit, TheListsOfOneMetricsBatchAreStoredInOneTransaction) {
  auto sim = quiet_world();
  const auto ids = running_campaigns(*sim, 20);
  for (const auto& id : ids) {
    ASSERT_TRUE(sim->engage(id, "u-1", engine::EngagementKind::like));
    ASSERT_TRUE(sim->engage(id, "u-2", engine::EngagementKind::retweet));
  }
  const auto seen = watch(*sim);
  sim->world().run_for(kMinute * 6);
  // 40 lists, each fetched after the one before came back: one commit a list would
  // record them at 40 different moments.
  EXPECT_EQ(seen->lines, 40);
  EXPECT_EQ(seen->added, 40);
  EXPECT_EQ(seen->at_us.size(), 1u);
  EXPECT_TRUE(sim->world().violations().empty());
}

TEST(PollCommit, ListsReadBeforeARateLimitAreStoredAndTheRestFollowAfterTheReset) {
  auto sim = quiet_world();
  const auto ids = running_campaigns(*sim, 80);
  // With its rate limits on, mock X allows 75 liking-users requests in 15 minutes:
  // the 76th list of this poll is refused, and the poll ends there.
  auto faults = sim->twitter().faults();
  faults.rate_limit = true;
  sim->twitter().set_faults(faults);
  for (const auto& id : ids) ASSERT_TRUE(sim->engage(id, "u-1", engine::EngagementKind::like));
  const auto seen = watch(*sim);
  sim->world().run_for(kMinute * 6);
  EXPECT_EQ(seen->lines, 75);
  EXPECT_EQ(seen->added, 75);
  sim->world().run_for(kMinute * 20);
  EXPECT_EQ(seen->lines, 80);
  EXPECT_EQ(seen->added, 80);
  EXPECT_TRUE(sim->world().violations().empty());
}

// A campaign's lists of one commit share one read of what it has stored: each
// kind still gets only its own new names (a name stored under another kind is
// new to this one), and every fully read list moves its kind's mark.
TEST(PollCommit, ACampaignsListsOfSeveralKindsStoreEachKindsOwnNewNamesAndMoveEveryMark) {
  using engine::EngagementKind;
  auto sim = quiet_world();
  const std::string id = running_campaigns(*sim, 1).front();
  ASSERT_TRUE(sim->engage(id, "u-1", EngagementKind::like));
  ASSERT_TRUE(sim->engage(id, "u-1", EngagementKind::retweet));
  ASSERT_TRUE(sim->engage(id, "u-2", EngagementKind::quote));
  const auto seen = watch(*sim);
  sim->world().run_for(kMinute * 6);
  EXPECT_EQ(seen->lines, 3);
  EXPECT_EQ(seen->added, 3);
  ASSERT_TRUE(sim->engage(id, "u-2", EngagementKind::like));
  ASSERT_TRUE(sim->engage(id, "u-1", EngagementKind::quote));
  ASSERT_TRUE(sim->engage(id, "u-3", EngagementKind::retweet));
  sim->world().run_for(kMinute * 5);
  EXPECT_EQ(seen->lines, 6);
  EXPECT_EQ(seen->added, 6);
  // Every mark moved in the store: an engine restarted (so knowing no marks of its
  // own) asks for no list at polls with nothing new.
  sim->crash(1, engine::Duration(1'000'000));
  sim->world().run_for(kMinute);
  const int asked = seen->lists_asked;
  sim->world().run_for(kMinute * 15);
  EXPECT_EQ(seen->lists_asked, asked);
  EXPECT_EQ(seen->lines, 6);
  EXPECT_TRUE(sim->world().violations().empty());
}

}  // namespace
}  // namespace clsim::sim
