// A simulated disk with its own clock and streams, and a small SQLite helper
// over it, for the disk tests: each test builds the world it needs in a line.
#pragma once
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "mocks/fault_counter.hpp"
#include "sim/disk/sim_disk.hpp"
#include "sim/runtime/prng.hpp"

namespace clsim::sim::testing {

struct DiskWorld {
  explicit DiskWorld(std::uint64_t seed = 7)
      : randomness(Prng::stream(seed, "disk.random")),
        faults(Prng::stream(seed, "disk.faults")),
        power(Prng::stream(seed, "disk.power")),
        disk([] { return engine::TimePoint(engine::Duration(1'735'689'600'000'000)); }, randomness, faults,
             counter) {}

  Prng randomness;
  Prng faults;
  Prng power;
  mocks::FaultCounter counter;
  SimDisk disk;
};

// One connection on the simulated disk, closed on destruction.
class Conn {
 public:
  Conn(SimDisk& disk, const std::string& file, const char* journal = "WAL", const char* sync = "FULL") {
    open(disk.vfs_name(), file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    exec(std::string("PRAGMA journal_mode=") + journal);
    exec(std::string("PRAGMA synchronous=") + sync);
  }
  // The harness's connection (SimDisk::harness_vfs_name), opened as the
  // simulator's store reader opens it.
  struct Harness {};
  Conn(Harness, SimDisk& disk, const std::string& file) {
    open(disk.harness_vfs_name(), file, SQLITE_OPEN_READWRITE);
    exec("PRAGMA journal_mode=WAL");
  }
  ~Conn() { close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void close() {
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }
  // The SQLite result code; the test decides whether failure is expected.
  int exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
  // The first column of the first row as an integer, or -1 when the query fails.
  std::int64_t scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::int64_t out = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return out;
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
  sqlite3* db() { return db_; }

 private:
  void open(const std::string& vfs, const std::string& file, int flags) {
    const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, vfs.c_str());
    if (rc != SQLITE_OK) ADD_FAILURE() << "open " << file << ": " << sqlite3_errstr(rc);
    sqlite3_busy_timeout(db_, 0);
  }
  sqlite3* db_ = nullptr;
};

// `sql` with a table s(x) of 1..n in scope (generate_series is not in every build).
inline std::string series(int n, const std::string& sql) {
  return "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < " + std::to_string(n) + ") " +
         sql;
}

// A crash with power loss, as the simulator does it: the dead process's
// connections close without writing (the disk is frozen), then every file
// returns to its synced image.
inline void power_loss(DiskWorld& w, Conn& c) {
  w.disk.set_frozen(true);
  c.close();
  w.disk.set_frozen(false);
  w.disk.power_loss(w.power);
}

}  // namespace clsim::sim::testing
