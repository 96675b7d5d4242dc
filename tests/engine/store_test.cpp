// The SQLite layer: migrations recorded once, pragmas, rollback on scope exit,
// errors as values.
#include "engine/store/schema.hpp"
#include "engine/store/sqlite_db.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

std::string path_for(const char* name) { return temp_dir() + "clsim_store_" + std::to_string(::getpid()) + name; }

std::int64_t scalar(SqliteDb& db, const std::string& sql) {
  auto& q = db.prepare(sql);
  q.step();
  const auto v = q.int_at(0);
  q.reset();
  return v;
}

TEST(Store, MigrationsRunOnceAndAreRecorded) {
  const auto path = path_for("_migrate.db");
  std::remove(path.c_str());
  {
    SqliteDb db(path, "", true);
    migrate(db);
    migrate(db);
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM schema_version"), schema_version_latest());
    EXPECT_EQ(scalar(db, "SELECT MAX(version) FROM schema_version"), schema_version_latest());
    auto& q = db.prepare("PRAGMA journal_mode");
    q.step();
    EXPECT_EQ(q.text_at(0), "wal");
    q.reset();
    EXPECT_EQ(scalar(db, "PRAGMA synchronous"), 2);  // FULL
    EXPECT_EQ(scalar(db, "PRAGMA foreign_keys"), 1);
  }
  for (const char* s : {"", "-wal", "-shm"}) std::remove((path + s).c_str());
}

TEST(Store, TransactionRollsBackUnlessCommitted) {
  const auto path = path_for("_tx.db");
  std::remove(path.c_str());
  {
    SqliteDb db(path, "", true);
    migrate(db);
    {
      Transaction tx(db);
      db.prepare("INSERT INTO counters (name, value) VALUES ('x', 1)").run();
    }
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM counters"), 0);
    {
      Transaction tx(db);
      db.prepare("INSERT INTO counters (name, value) VALUES ('x', 1)").run();
      tx.commit();
    }
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM counters"), 1);
  }
  for (const char* s : {"", "-wal", "-shm"}) std::remove((path + s).c_str());
}

TEST(Store, ErrorsComeBackAsValuesWithAReason) {
  try {
    SqliteDb db("/nonexistent-dir/x.db", "", true);
    FAIL() << "opened a file in a missing directory";
  } catch (const StoreError& e) {
    EXPECT_NE(e.message.find("store: unable to open database file"), std::string::npos) << e.message;
  }
  EXPECT_EQ(store_reason(10), "store: disk I/O error");  // SQLITE_IOERR
  EXPECT_EQ(store_reason(13), "store: database or disk is full");
}

TEST(Store, ReaderOfAMissingStoreIsEmptyAndSaysWhy) {
  SqliteFileStorage missing(path_for("_missing.db"));
  StoreReader reader(missing);
  EXPECT_TRUE(reader.campaigns().empty());
  EXPECT_FALSE(reader.last_error().empty());
}

}  // namespace
}  // namespace clsim::engine::testing
