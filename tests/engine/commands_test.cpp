// Command validation: every refusal names its field or rule, and changes nothing.
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

class Commands : public ::testing::Test {
 protected:
  void SetUp() override { h.start_engine(); }
  // Refused, and neither the store nor the notifier moved.
  void expect_refused(const CommandResult& r, const std::string& reason) {
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.reason, reason);
    EXPECT_EQ(h.reader().campaigns().size(), campaigns_before);
    EXPECT_EQ(h.notifier.updates.size(), updates_before);
  }
  void snapshot() {
    campaigns_before = h.reader().campaigns().size();
    updates_before = h.notifier.updates.size();
  }
  EngineHarness h;
  std::size_t campaigns_before = 0, updates_before = 0;
};

TEST_F(Commands, CreateRefusalsNameTheField) {
  snapshot();
  auto s = h.spec();
  s.budget = Money(0);
  expect_refused(h.engine->create(s), "budget must be > 0");
  s = h.spec();
  s.rates.retweet = Money(-1);
  expect_refused(h.engine->create(s), "rates.retweet must be >= 0");
  s = h.spec();
  s.duration = Duration(0);
  expect_refused(h.engine->create(s), "duration must be > 0 and <= 365 days");
  s.duration = kHour * 24 * 366;
  expect_refused(h.engine->create(s), "duration must be > 0 and <= 365 days");
  s = h.spec();
  s.claim_window = Duration(-5);
  expect_refused(h.engine->create(s), "claim_window must be > 0 and <= 365 days");
  s = h.spec();
  s.text = std::string(281, 'x');
  expect_refused(h.engine->create(s), "text must be at most 280 characters");
  s = h.spec();
  s.owner = "";
  expect_refused(h.engine->create(s), "owner is required");
}

TEST_F(Commands, IdsCountUpAndAGivenDuplicateIdIsRefused) {
  EXPECT_EQ(h.engine->create(h.spec()).id, "c-1");
  auto s = h.spec();
  s.id = "c-2";
  EXPECT_EQ(h.engine->create(s).id, "c-2");
  EXPECT_EQ(h.engine->create(h.spec()).id, "c-3");  // skips the id taken by hand
  snapshot();
  expect_refused(h.engine->create(s), "campaign c-2 already exists");
}

TEST_F(Commands, UpdateBeforePublishByTheOwnerChangesAndBroadcasts) {
  const auto id = h.engine->create(h.spec()).id;
  CampaignUpdate change;
  change.text = "New text";
  change.rates = Rates{Money(1), Money(2), Money(3), Money(4)};
  auto r = h.engine->update(id, change, "alice");
  ASSERT_TRUE(r.ok) << r.reason;
  auto rec = h.reader().campaign(id);
  EXPECT_EQ(rec->text, "New text");
  EXPECT_EQ(rec->rates.quote, Money(3));
  auto updates = h.notifier.for_campaign(id);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].seq, 2);
  EXPECT_EQ(updates[1].view["text"], "New text");
  h.run_for(kSecond);
  EXPECT_EQ(h.bus.count_type("campaign:update:v1:success"), 1);
}

TEST_F(Commands, UpdateByANonOwnerOrAfterPublishIsRefused) {
  const auto id = h.engine->create(h.spec()).id;
  CampaignUpdate change;
  change.text = "x";
  snapshot();
  expect_refused(h.engine->update(id, change, "mallory"), "only the owner alice may update " + id);
  expect_refused(h.engine->update("c-9", change, "alice"), "unknown campaign c-9");
  change.duration = Duration(0);
  expect_refused(h.engine->update(id, change, "alice"), "duration must be > 0 and <= 365 days");
  ASSERT_TRUE(h.engine->publish(id, "alice").ok);
  for (int i = 0; i < 60 && h.state(id) != "RUNNING"; ++i) h.run_for(kSecond);
  ASSERT_EQ(h.state(id), "RUNNING");
  change.duration.reset();
  snapshot();
  expect_refused(h.engine->update(id, change, "alice"),
                 "campaign " + id + " is RUNNING; update is allowed only in CREATED");
  EXPECT_EQ(h.reader().campaign(id)->text, h.spec().text);
  h.run_until_quiet();
  h.check_money();
}

TEST_F(Commands, PublishTwiceOrByAnotherUserIsRefused) {
  const auto id = h.engine->create(h.spec()).id;
  snapshot();
  expect_refused(h.engine->publish(id, "bob"), "only the owner alice may publish " + id);
  ASSERT_TRUE(h.engine->publish(id, "alice").ok);
  snapshot();
  expect_refused(h.engine->publish(id, "alice"), "campaign " + id + " is already PUBLISHING");
  expect_refused(h.engine->publish("c-7", "alice"), "unknown campaign c-7");
  expect_refused(h.engine->claim(id, "u-1"), "campaign " + id + " is PUBLISHING; claim is allowed only in REWARD_CLAIM");
  h.run_until_quiet();
  h.check_money();
}

}  // namespace
}  // namespace clsim::engine::testing
