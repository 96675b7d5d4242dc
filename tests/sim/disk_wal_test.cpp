// WAL on the simulated disk: several connections in one process share the
// database the way engines do, with real write locks and read snapshots.
#include <gtest/gtest.h>

#include "tests/sim/disk_fixture.hpp"

namespace clsim::sim::testing {
namespace {

TEST(SimDiskWal, TwoConnectionsSeeEachOthersCommits) {
  DiskWorld w;
  Conn a(w.disk, "db");
  Conn b(w.disk, "db");
  ASSERT_EQ(a.text("PRAGMA journal_mode"), "wal");
  ASSERT_EQ(a.exec("CREATE TABLE t(v INTEGER)"), SQLITE_OK);
  ASSERT_EQ(a.exec("INSERT INTO t VALUES (1)"), SQLITE_OK);
  EXPECT_EQ(b.scalar("SELECT count(*) FROM t"), 1);
  ASSERT_EQ(b.exec("INSERT INTO t VALUES (2)"), SQLITE_OK);
  EXPECT_EQ(a.scalar("SELECT sum(v) FROM t"), 3);
}

TEST(SimDiskWal, ASecondWriterIsBusyWhileTheFirstHoldsTheWriteLock) {
  DiskWorld w;
  Conn a(w.disk, "db");
  Conn b(w.disk, "db");
  ASSERT_EQ(a.exec("CREATE TABLE t(v INTEGER)"), SQLITE_OK);
  ASSERT_EQ(a.exec("BEGIN IMMEDIATE"), SQLITE_OK);
  ASSERT_EQ(a.exec("INSERT INTO t VALUES (1)"), SQLITE_OK);
  EXPECT_EQ(b.exec("BEGIN IMMEDIATE"), SQLITE_BUSY);
  // A reader is not blocked by the writer in WAL mode.
  EXPECT_EQ(b.scalar("SELECT count(*) FROM t"), 0);
  ASSERT_EQ(a.exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(b.exec("BEGIN IMMEDIATE"), SQLITE_OK);
  EXPECT_EQ(b.exec("COMMIT"), SQLITE_OK);
}

TEST(SimDiskWal, AReadTransactionKeepsItsSnapshotWhileAnotherConnectionCommits) {
  DiskWorld w;
  Conn a(w.disk, "db");
  Conn b(w.disk, "db");
  ASSERT_EQ(a.exec("CREATE TABLE t(v INTEGER)"), SQLITE_OK);
  ASSERT_EQ(a.exec("INSERT INTO t VALUES (1)"), SQLITE_OK);
  ASSERT_EQ(a.exec("BEGIN"), SQLITE_OK);
  ASSERT_EQ(a.scalar("SELECT count(*) FROM t"), 1);
  ASSERT_EQ(b.exec("INSERT INTO t VALUES (2)"), SQLITE_OK);
  EXPECT_EQ(a.scalar("SELECT count(*) FROM t"), 1);
  ASSERT_EQ(a.exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(a.scalar("SELECT count(*) FROM t"), 2);
}

TEST(SimDiskWal, ACheckpointWhileAReaderHoldsASnapshotKeepsTheReaderConsistent) {
  DiskWorld w;
  Conn a(w.disk, "db");
  Conn b(w.disk, "db");
  ASSERT_EQ(a.exec("CREATE TABLE t(v INTEGER)"), SQLITE_OK);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(a.exec("INSERT INTO t VALUES (1)"), SQLITE_OK);
  ASSERT_EQ(b.exec("BEGIN"), SQLITE_OK);
  ASSERT_EQ(b.scalar("SELECT count(*) FROM t"), 50);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(a.exec("INSERT INTO t VALUES (1)"), SQLITE_OK);
  EXPECT_EQ(a.exec("PRAGMA wal_checkpoint(PASSIVE)"), SQLITE_OK);
  EXPECT_EQ(b.scalar("SELECT count(*) FROM t"), 50);
  ASSERT_EQ(b.exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(b.scalar("SELECT count(*) FROM t"), 100);
  EXPECT_EQ(b.text("PRAGMA integrity_check"), "ok");
}

TEST(SimDiskWal, EachDiskIsItsOwnWorld) {
  DiskWorld one;
  DiskWorld two;
  EXPECT_NE(one.disk.vfs_name(), two.disk.vfs_name());
  Conn a(one.disk, "db");
  Conn b(two.disk, "db");
  ASSERT_EQ(a.exec("CREATE TABLE t(v INTEGER)"), SQLITE_OK);
  EXPECT_EQ(b.scalar("SELECT count(*) FROM sqlite_schema"), 0);
}

}  // namespace
}  // namespace clsim::sim::testing
