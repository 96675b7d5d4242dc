// The harness (the checker, scripts' queries, a replay's lookups) reads the
// engines' database through a VFS of its own. Nothing it does may change what the
// engines' handles read, lock or rebuild: a run and the replay of its capture look
// at the store at different moments, and must still end the same.
#include <gtest/gtest.h>

#include <optional>

#include "tests/sim/disk_fixture.hpp"

namespace clsim::sim::testing {
namespace {

constexpr Conn::Harness kHarness{};

void fill(Conn& c, int rows) {
  ASSERT_EQ(c.exec("CREATE TABLE IF NOT EXISTS t(v INTEGER)"), SQLITE_OK);
  for (int i = 0; i < rows; ++i) ASSERT_EQ(c.exec("INSERT INTO t VALUES (1)"), SQLITE_OK);
}

std::int64_t rows(Conn& c) { return c.scalar("SELECT count(*) FROM t"); }

// An engine's connection, and the harness's opened after the engine committed.
class HarnessReads : public ::testing::Test {
 protected:
  void engine_commits(int n, const char* sync = "FULL") {
    engine.emplace(w.disk, "db", "WAL", sync);
    fill(*engine, n);
    w.disk.refresh_harness();
    harness.emplace(kHarness, w.disk, "db");
  }
  DiskWorld w;
  std::optional<Conn> engine, harness;
};

TEST_F(HarnessReads, SeeTheEnginesCommitsAsOfTheLastRefresh) {
  engine_commits(1);
  EXPECT_EQ(rows(*harness), 1);
  fill(*engine, 20);
  w.disk.refresh_harness();
  EXPECT_EQ(rows(*harness), 21);
  // A checkpoint that restarts the WAL: the next commit writes from its start.
  ASSERT_EQ(engine->exec("PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
  fill(*engine, 2);
  w.disk.refresh_harness();
  EXPECT_EQ(rows(*harness), 23);
  EXPECT_EQ(harness->text("PRAGMA integrity_check"), "ok");
}

// After a crash the engine's next open rebuilds the WAL index from every frame,
// whether or not the harness read the store in between (and still has it open).
TEST(HarnessReadsAfterACrash, NeverSpareTheRestartedEngineRebuildingTheWalIndex) {
  const auto reads_of_engine_open = [](bool harness_looks) {
    DiskWorld w;
    Conn engine(w.disk, "db");
    fill(engine, 30);
    w.disk.set_frozen(true);  // the process dies: nothing checkpointed, the WAL stays
    engine.close();
    w.disk.set_frozen(false);
    std::optional<Conn> harness;
    if (harness_looks) {
      w.disk.refresh_harness();
      harness.emplace(kHarness, w.disk, "db");
      EXPECT_EQ(rows(*harness), 30);
    }
    const auto before = w.disk.stats("db-wal")->engine_reads;
    Conn again(w.disk, "db");
    EXPECT_EQ(rows(again), 30);
    return w.disk.stats("db-wal")->engine_reads - before;
  };
  const auto alone = reads_of_engine_open(false);
  EXPECT_GE(alone, 31u);  // each of the 31 frames (the schema and 30 rows)
  EXPECT_EQ(reads_of_engine_open(true), alone);
}

TEST_F(HarnessReads, LeaveTheLastEngineOutFreeToCheckpointAndDeleteTheWal) {
  engine_commits(10);
  ASSERT_EQ(rows(*harness), 10);
  const auto epoch = w.disk.harness_epoch();
  engine->close();
  EXPECT_FALSE(w.disk.exists("db-wal"));
  // The harness's connection viewed a WAL that is gone: it must open again.
  EXPECT_NE(w.disk.harness_epoch(), epoch);
  Conn again(kHarness, w.disk, "db");
  EXPECT_EQ(rows(again), 10);
}

TEST_F(HarnessReads, CannotWriteTheEnginesDatabase) {
  engine_commits(3, "OFF");  // the engine leaves its writes unsynced
  const auto wal = *w.disk.stats("db-wal");
  ASSERT_GT(wal.unsynced_writes, 0u);
  EXPECT_NE(harness->exec("INSERT INTO t VALUES (1)"), SQLITE_OK);
  EXPECT_NE(harness->exec("PRAGMA wal_checkpoint(FULL)"), SQLITE_OK);
  harness->close();
  const auto after = *w.disk.stats("db-wal");
  EXPECT_EQ(after.writes, wal.writes);
  EXPECT_EQ(after.syncs, wal.syncs);
  EXPECT_EQ(after.unsynced_writes, wal.unsynced_writes);
  EXPECT_EQ(rows(*engine), 3);
}

}  // namespace
}  // namespace clsim::sim::testing
