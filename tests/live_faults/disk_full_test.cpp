// The disk fills up under a running serve: its file size limit (RLIMIT_FSIZE) is
// lowered (soft) to 1 byte, so every write that grows or rewrites a file past its first
// byte fails with EFBIG, as on a full disk (serve ignores SIGXFSZ). Commands are
// refused with 503 and write nothing; reads go on; when space returns (the limit
// raised on the running process) the service takes commands again, and the
// database passes SQLite's integrity check with no trace of the refused commands.
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "live/live_stack.hpp"

namespace clsim::live_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The soft limit only: raising a hard limit needs CAP_SYS_RESOURCE, which a
// container's root may not have.
void set_fsize(pid_t pid, rlim_t bytes) {
  rlimit limit{};
  ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, nullptr, &limit), 0);
  limit.rlim_cur = std::min(bytes, limit.rlim_max);
  ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, &limit, nullptr), 0) << "prlimit --pid " << pid;
}

json campaign(const std::string& id) {
  return {{"owner", "alice"},
          {"budget", 1000},
          {"rates", {{"like", 1}, {"retweet", 1}, {"quote", 1}, {"reply", 1}}},
          {"duration_us", 600'000'000},
          {"claim_window_us", 600'000'000},
          {"id", id}};
}

// One query's single text answer, or the error.
std::string query_text(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return sqlite3_errmsg(db);
  std::string out = sqlite3_step(st) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) : "";
  sqlite3_finalize(st);
  return out;
}

TEST(DiskFaults, AFullDiskRefusesCommandsWithoutHalfWritesAndRecovers) {
  LiveStack stack(LiveStackOptions{.audience = 0});
  ASSERT_EQ(stack.post("/v1/campaigns", campaign("before")).status, 201);
  const pid_t pid = stack.serve().pid();

  set_fsize(pid, 1);
  const auto full_at = Clock::now();
  for (const auto& id : {"full-1", "full-2", "full-3"}) {
    const auto r = stack.post("/v1/campaigns", campaign(id));
    EXPECT_EQ(r.status, 503) << id << ": " << r.body;
    EXPECT_EQ(r.header("retry-after"), "1");
  }
  EXPECT_EQ(stack.post("/v1/campaigns/before/publish", json::object()).status, 503) << "a publish writes too";
  EXPECT_EQ(stack.patch("/v1/campaigns/before", {{"text", "changed"}}).status, 503);
  EXPECT_TRUE(stack.serve().running()) << "EFBIG is an error, not SIGXFSZ's kill: " << stack.logs();
  const auto ready = stack.get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_NE(ready.body.find("store"), std::string::npos) << ready.body;
  const auto listed = stack.get("/v1/campaigns");  // reads need no space
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json()["campaigns"].size(), 1u) << listed.body;
  EXPECT_EQ(stack.get("/v1/campaigns/before").json()["state"], "CREATED");
  std::cout << "refused 5 commands in " << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - full_at).count()
            << " ms\n";

  set_fsize(pid, RLIM_INFINITY);
  SyncResponse again;
  for (const auto until = Clock::now() + 20s; Clock::now() < until; std::this_thread::sleep_for(200ms)) {
    again = stack.post("/v1/campaigns", campaign("after"));
    if (again.status != 503) break;
  }
  EXPECT_EQ(again.status, 201) << again.body << stack.logs();
  EXPECT_EQ(stack.patch("/v1/campaigns/before", {{"text", "changed"}}).status, 200);
  int ready_status = 0;
  for (int i = 0; i < 200 && ready_status != 200; ++i, std::this_thread::sleep_for(100ms))
    ready_status = stack.get("/readyz").status;
  EXPECT_EQ(ready_status, 200) << "ready again once a transaction commits";

  ASSERT_TRUE(stack.serve().stop().has_value());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(stack.dir().file("campaigns.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  EXPECT_EQ(query_text(db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(query_text(db, "SELECT group_concat(id, ',') FROM (SELECT id FROM campaigns ORDER BY id)"), "after,before")
      << "no row of a refused create";
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM outbox WHERE campaign_id LIKE 'full-%' OR "
                           "type = 'campaign:first_tweet:v1:requested'"),
            "0")
      << "no outbox row of a refused create or publish";
  EXPECT_EQ(query_text(db, "SELECT COUNT(*) FROM state_updates WHERE campaign_id LIKE 'full-%'"), "0");
  EXPECT_EQ(query_text(db, "SELECT text FROM campaigns WHERE id = 'before'"), "changed");
  sqlite3_close(db);
}

}  // namespace
}  // namespace clsim::live_test
