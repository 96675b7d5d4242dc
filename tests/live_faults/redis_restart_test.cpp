// redis-server killed -9 mid-run and started again on the same socket: with AOF
// (appendfsync always) the streams come back whole; without persistence they come
// back empty, and the engine must send again what it had not consumed. Campaigns
// in flight finish either way, each step applied once. The resume timer is set
// long (45 s), so a step message lost for good shows as a step still waiting.
#include <algorithm>
#include <iostream>
#include <thread>

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "live/live_stack.hpp"
#include "live/redis_test_support.hpp"

namespace clsim::live_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kStream = "campaign-events";

LiveStackOptions fault_options(bool aof) {
  // resume_after is the engine's last resort for a step whose message is gone:
  // long here, so it cannot stand in for the bus inside the bounds below.
  LiveStackOptions o;
  o.redis_aof = aof;
  o.audience = 10;
  o.serve_extra = {"--timing", "resume_after_us=45000000", "--timing", "claim_stale_us=5000000"};
  // Tweets take 0.5-1 s on the mock X, so steps are in flight when Redis goes.
  o.mockd_faults = "return {twitter = {latency_min = 500000, latency_max = 1000000}}";
  return o;
}

void create_and_publish(LiveStack& stack, int n) {
  const json body = {{"owner", "alice"},
                     {"budget", 100'000},
                     {"rates", {{"like", 100}, {"retweet", 300}, {"quote", 500}, {"reply", 200}}},
                     {"duration_us", 6'000'000},
                     {"claim_window_us", 4'000'000},
                     {"id", "c-" + std::to_string(n)}};
  const auto created = stack.post("/v1/campaigns", body);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto published = stack.post("/v1/campaigns/c-" + std::to_string(n) + "/publish", json::object());
  ASSERT_EQ(published.status, 202) << published.body;
}

// /readyz until its status is `want` (bounded); its last answer.
SyncResponse readyz_until(LiveStack& stack, int want, std::chrono::seconds bound) {
  const auto until = Clock::now() + bound;
  SyncResponse r = stack.get("/readyz");
  while (r.status != want && Clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    r = stack.get("/readyz");
  }
  return r;
}

// A campaign's durable timers, for a failure message.
std::string timers_of(LiveStack& stack, const std::string& id) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(stack.dir().file("campaigns.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    const std::string sql = "SELECT * FROM timers WHERE campaign_id = '" + id + "'";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK)
      while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
          const auto* v = sqlite3_column_text(st, i);
          out += std::string(sqlite3_column_name(st, i)) + "=" + (v ? reinterpret_cast<const char*>(v) : "null") + " ";
        }
        out += "; ";
      }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

// Every campaign c-1..c-n EXPIRED within `bound`, with two tweets of its own on
// the mock X (a step applied twice would post a third), and the ledger's money
// conserved.
void expect_all_expired(LiveStack& stack, int n, std::chrono::seconds bound) {
  const auto until = Clock::now() + bound;
  for (int i = 1; i <= n; ++i) {
    const std::string id = "c-" + std::to_string(i);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    const auto c = stack.poll_until("/v1/campaigns/" + id, [](const json& j) { return j.value("state", "") == "EXPIRED"; },
                                    std::max(left, std::chrono::milliseconds(100)));
    ASSERT_EQ(c.value("state", ""), "EXPIRED") << id << ": " << c.dump() << "\ntimers: " << timers_of(stack, id)
                                               << "\n" << stack.logs();
    EXPECT_EQ(c["tweets"].size(), 2u) << id;
  }
  const auto mock = stack.mock_state();
  for (int i = 1; i <= n; ++i) {
    const std::string mark = "[c-" + std::to_string(i) + "/";
    int marked = 0;
    for (const auto& t : mock["tweets"]) marked += t["text"].get<std::string>().find(mark) != std::string::npos;
    EXPECT_EQ(marked, 2) << "tweets of c-" << i << " on the mock X";
  }
  long long sum = 0;
  for (const auto& [account, amount] : mock["balances"].items()) sum += amount.get<long long>();
  EXPECT_EQ(sum, mock["minted"].get<long long>()) << "money is conserved";
  const json in_flight = mock.value("in_flight", json(0));
  EXPECT_EQ(in_flight.is_array() ? json(in_flight.size()) : in_flight, json(0)) << "no ledger transaction left hanging";
}

long long count_of(const std::vector<std::string>& values, const std::string& v) {
  return std::count(values.begin(), values.end(), v);
}

TEST(RedisFaults, AofRedisKilledAndRestartedLosesNoMessage) {
  LiveStack stack(fault_options(true));
  for (int i = 1; i <= 4; ++i) create_and_publish(stack, i);
  std::this_thread::sleep_for(700ms);  // first tweets in flight
  long long before = 0;
  {
    SyncRedis redis(stack.redis_socket());
    before = redis.xlen(kStream);
  }
  ASSERT_GE(before, 4) << "each publish put a first-tweet request on the stream";
  stack.kill_redis();
  const auto down = readyz_until(stack, 503, 10s);
  ASSERT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.json()["down"].dump().find("redis"), std::string::npos) << down.body;
  // The API keeps taking commands: their outbox rows wait for Redis.
  for (int i = 5; i <= 6; ++i) create_and_publish(stack, i);
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(stack.get("/readyz").status, 503) << "still down";
  stack.restart_redis();
  const auto up = readyz_until(stack, 200, 20s);
  EXPECT_EQ(up.status, 200) << up.body << stack.logs();
  {
    SyncRedis redis(stack.redis_socket());
    EXPECT_GE(redis.xlen(kStream), before) << "the AOF kept every entry";
  }
  expect_all_expired(stack, 6, 90s);
  SyncRedis redis(stack.redis_socket());
  const auto types = redis.field_values(kStream, "type");
  EXPECT_EQ(count_of(types, "campaign:first_tweet:v1:requested"), 6) << "nothing was sent again: nothing was lost";
}

TEST(RedisFaults, RedisRestartedEmptyMidRunEveryCampaignStillFinishes) {
  LiveStack stack(fault_options(false));
  for (int i = 1; i <= 4; ++i) create_and_publish(stack, i);
  std::this_thread::sleep_for(700ms);
  stack.kill_redis();
  const auto down = readyz_until(stack, 503, 10s);
  ASSERT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.json()["down"].dump().find("redis"), std::string::npos) << down.body;
  for (int i = 5; i <= 6; ++i) create_and_publish(stack, i);
  stack.restart_redis();  // empty: no AOF, no RDB
  EXPECT_EQ(readyz_until(stack, 200, 20s).status, 200) << stack.logs();
  expect_all_expired(stack, 6, 90s);
}

// The case that needs the engine's help: serve dies with steps in flight (their
// messages consumed, not yet in the inbox), then Redis comes back empty. No
// pending entry is left to claim; only the outbox knows. The new stream must
// carry those first-tweet requests again, and the campaigns finish.
TEST(RedisFaults, EmptyRedisAfterAServeCrashGetsTheUnconsumedStepsAgain) {
  LiveStack stack(fault_options(false));

  for (int i = 1; i <= 4; ++i) create_and_publish(stack, i);
  {
    // Every first-tweet request went through Redis (so the outbox marked it sent);
    // the tweets take 0.5 s at least, so none is done yet.
    SyncRedis redis(stack.redis_socket());
    const auto until = Clock::now() + 2s;
    while (count_of(redis.field_values(kStream, "type"), "campaign:first_tweet:v1:requested") < 4 &&
           Clock::now() < until)
      std::this_thread::sleep_for(10ms);
    ASSERT_EQ(count_of(redis.field_values(kStream, "type"), "campaign:first_tweet:v1:requested"), 4);
  }
  std::this_thread::sleep_for(100ms);  // consumed, the tweet calls under way
  stack.serve().kill9();
  stack.restart_redis();
  {
    SyncRedis redis(stack.redis_socket());
    ASSERT_EQ(redis.xlen(kStream), 0) << "Redis came back empty";
  }
  stack.start_serve();
  // Only the requeue puts them there: the rows were marked sent before the kill,
  // and a step resumed by its timer runs without a message.
  const auto restarted = Clock::now();
  {
    SyncRedis redis(stack.redis_socket());
    const auto until = restarted + 10s;
    while (count_of(redis.field_values(kStream, "type"), "campaign:first_tweet:v1:requested") < 4 &&
           Clock::now() < until)
      std::this_thread::sleep_for(50ms);
    EXPECT_GE(count_of(redis.field_values(kStream, "type"), "campaign:first_tweet:v1:requested"), 4)
        << "the first-tweet requests nobody finished, sent again on the new stream";
  }
  expect_all_expired(stack, 4, 120s);
  std::cout << "all EXPIRED " << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted).count()
            << " ms after the restart\n";
}

}  // namespace
}  // namespace clsim::live_test
