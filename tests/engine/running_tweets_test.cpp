// What a poll reads: the RUNNING campaigns that have a first tweet, in id order,
// answered from the campaigns_running index alone (schema 10) rather than by
// walking every campaign row.
#include "engine/store/campaign_repo.hpp"
#include "engine/store/schema.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

CampaignRow row(const std::string& id, CampaignState state, std::optional<std::string> tweet) {
  CampaignRow r;
  r.id = id, r.owner = "owner-" + id, r.text = "text " + id, r.state = state;
  r.budget = Money(1'000), r.rates = Rates{Money(1), Money(1), Money(1), Money(1)};
  r.first_tweet_id = std::move(tweet);
  return r;
}

class RunningTweets : public ::testing::Test {
 protected:
  void SetUp() override {
    std::remove(path_.c_str());
    db_ = std::make_unique<SqliteDb>(path_, "", true);
    migrate(*db_);
  }
  void TearDown() override {
    db_.reset();
    for (const char* s : {"", "-wal", "-shm"}) std::remove((path_ + s).c_str());
  }
  std::string path_ = temp_dir() + "clsim_running_tweets_" + std::to_string(::getpid()) + ".db";
  std::unique_ptr<SqliteDb> db_;
};

TEST_F(RunningTweets, AreTheRunningCampaignsWithAFirstTweetInIdOrder) {
  insert_campaign(*db_, row("c-2", CampaignState::RUNNING, "t2"));
  insert_campaign(*db_, row("c-10", CampaignState::RUNNING, "t10"));
  insert_campaign(*db_, row("c-1", CampaignState::RUNNING, "t1"));
  insert_campaign(*db_, row("c-3", CampaignState::RUNNING, std::nullopt));
  insert_campaign(*db_, row("c-4", CampaignState::CLOSED, "t4"));
  insert_campaign(*db_, row("c-5", CampaignState::PUBLISHING, "t5"));
  auto closed = row("c-0", CampaignState::RUNNING, "t0");
  insert_campaign(*db_, closed);
  closed.state = CampaignState::CLOSED;  // leaves the index when it closes
  save_campaign(*db_, closed);

  const auto got = running_tweets(*db_);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].campaign, "c-1");
  EXPECT_EQ(got[1].campaign, "c-10");
  EXPECT_EQ(got[2].campaign, "c-2");
  EXPECT_EQ(got[1].tweet_id, "t10");
  EXPECT_EQ(got[1].owner, "owner-c-10");
}

TEST_F(RunningTweets, AreReadFromTheirOwnIndexWithoutASort) {
  auto& q = db_->prepare(std::string("EXPLAIN QUERY PLAN ") + kRunningTweetsSql);
  std::string plan;
  while (q.step()) plan += q.text_at(3) + "\n";
  q.reset();
  EXPECT_NE(plan.find("USING COVERING INDEX campaigns_running"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

}  // namespace
}  // namespace clsim::engine::testing
