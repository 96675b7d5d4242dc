// clsim minimize: a log that a seeded bug (engine::Mutations::skip_inbox_dedup)
// breaks shrinks to a handful of lines that replay to the same failure.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/replay/minimizer.hpp"

using namespace clsim::sim;

namespace {

constexpr std::int64_t kStart = 1735689600000000LL;

using Lines = std::vector<std::pair<std::int64_t, std::string>>;

void add(Lines& out, std::int64_t t_ms, const std::string& rest) {
  out.emplace_back(t_ms, "{\"ts_us\": " + std::to_string(kStart + t_ms * 1000) + ", " + rest + "}\n");
}

void add_campaign(Lines& out, int n, std::int64_t t_ms) {
  const std::string id = "c-" + std::to_string(n);
  add(out, t_ms, "\"type\": \"campaign:create:v1:requested\", \"event_id\": \"create-" + id + "\", \"campaign_id\": \"" + id +
                     "\", \"payload\": {\"owner\": \"alice\", \"budget\": 10000, \"rates\": {\"like\": 10, \"retweet\": 30,"
                     " \"quote\": 50, \"reply\": 20}, \"duration_us\": 600000000, \"claim_window_us\": 600000000,"
                     " \"text\": \"campaign " + id + "\"}");
  add(out, t_ms + 1, "\"type\": \"campaign:publish:v1:requested\", \"event_id\": \"publish-" + id + "\", \"campaign_id\": \"" + id +
                         "\", \"user_id\": \"alice\"");
  add(out, t_ms + 2000, "\"type\": \"CAMPAIGN_PUBLISH_DO_SM_TRANSACTION\", \"event_id\": \"" + id + ":contract:1\", \"campaign_id\": \"" +
                            id + "\"");
  add(out, t_ms + 60000, "\"type\": \"twitter:engagement:v1:observed\", \"event_id\": \"eng-" + id + "\", \"campaign_id\": \"" + id +
                             "\", \"user_id\": \"u-" + std::to_string(n) + "\", \"payload\": {\"kind\": \"like\"}");
}

// Six campaigns; c-5's contract request is delivered a second time after it ran.
std::string seeded_log(bool with_duplicate) {
  Lines all;
  for (int n = 1; n <= 6; ++n) add_campaign(all, n, 1000 * n);
  if (with_duplicate)
    add(all, 200000, "\"type\": \"CAMPAIGN_PUBLISH_DO_SM_TRANSACTION\", \"event_id\": \"c-5:contract:1\", \"campaign_id\": \"c-5\"");
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string log;
  for (const auto& l : all) log += l.second;
  return log;
}

ReplayOptions buggy() {
  ReplayOptions o;
  o.mutations.skip_inbox_dedup = true;
  return o;
}

}  // namespace

TEST(ReplayMinimize, SeededBugLogShrinksToAHandfulOfLinesWithTheSameFailure) {
  const EventLog log = parse_event_log(seeded_log(true), "bug.jsonl", false);
  ASSERT_EQ(log.lines.size(), 25u);
  const auto m = minimize_log(log, buggy());
  ASSERT_TRUE(m.failed);
  EXPECT_EQ(m.signature, "invariant single_contract");
  EXPECT_LE(m.lines_after, 4u);
  EXPECT_GT(m.replays, 1);
  EXPECT_NE(m.text.find("\"c-5\""), std::string::npos);
  EXPECT_EQ(m.text.find("\"c-4\""), std::string::npos);
  // A campaign's create line stays while any line about it stays.
  EXPECT_NE(m.text.find("campaign:create:v1:requested"), std::string::npos);

  // The minimized log replays to the same failure; without the bug it passes.
  const EventLog small = parse_event_log(m.text, "min.jsonl", false);
  EXPECT_EQ(small.lines.size(), m.lines_after);
  ReplayOptions o = buggy();
  o.identity = m.text;
  auto r = replay_log(small, o);
  ASSERT_TRUE(r.sim);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(failure_signature(*r.sim), m.signature);
  EXPECT_EQ(replay_log(small, ReplayOptions{}).exit_code, 0);
}

TEST(ReplayMinimize, ALogThatDoesNotFailIsReportedAsSuch) {
  const auto m = minimize_log(parse_event_log(seeded_log(false), "ok.jsonl", false), buggy());
  EXPECT_FALSE(m.failed);
  EXPECT_TRUE(m.text.empty());
  EXPECT_EQ(m.replays, 1);
}
