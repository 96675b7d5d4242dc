// BM_SqliteFloor: the cost floor of a durable write on a disk - one row insert per
// committed transaction, through the engine's own SqliteDb (so the pragmas are the
// engine's: WAL, synchronous=FULL). BM_EngagementIngest over this figure, on the
// same disk, is the engine's overhead per event; batching rows per commit beats it.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "bench/bench_support.hpp"
#include "engine/store/sqlite_db.hpp"
#include "mocks/fault_counter.hpp"
#include "sim/disk/sim_disk.hpp"
#include "sim/runtime/prng.hpp"

namespace clsim::bench {
namespace {

// The database under test plus, for the simulated disk, the disk itself.
struct FloorDb {
  explicit FloorDb(DiskKind kind)
      : disk_random(sim::Prng::stream(1, "disk.sqlite")), disk_faults(sim::Prng::stream(1, "disk.faults")) {
    if (kind == DiskKind::sim_disk) {
      disk = std::make_unique<sim::SimDisk>([] { return engine::from_us(engine::kDefaultStartUs); }, disk_random,
                                            disk_faults, counter);
      db = std::make_unique<engine::SqliteDb>("floor.db", disk->vfs_name(), true);
    } else {
      path = fresh_db_path(kind, "floor");
      db = std::make_unique<engine::SqliteDb>(path, "", true);
    }
    db->exec("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, campaign_id TEXT, user_id TEXT, at_us INTEGER)");
  }
  ~FloorDb() {
    db.reset();  // the connection closes before the VFS goes away
    if (!path.empty()) remove_db_files(path);
  }

  sim::Prng disk_random, disk_faults;
  mocks::FaultCounter counter;
  std::unique_ptr<sim::SimDisk> disk;
  std::string path;
  std::unique_ptr<engine::SqliteDb> db;
};

void BM_SqliteFloor(benchmark::State& state) {
  const auto kind = DiskKind(state.range(0));
  FloorDb f(kind);
  std::int64_t n = 0;
  for (auto _ : state) {
    engine::Transaction tx(*f.db);
    f.db->prepare("INSERT INTO rows (campaign_id, user_id, at_us) VALUES (?, ?, ?)")
        .bind(1, "c-1")
        .bind(2, "u-" + std::to_string(n))
        .bind(3, n)
        .run();
    tx.commit();
    ++n;
  }
  state.SetItemsProcessed(n);
  state.SetLabel(to_label(kind));
  if (f.disk) state.counters["syncs_per_commit"] = double(f.disk->syncs()) / double(n > 0 ? n : 1);
}

// Wall time: a real disk's fsync is waiting, which CPU time would not show.
BENCHMARK(BM_SqliteFloor)
    ->ArgName("disk")
    ->Arg(int(DiskKind::tmp_file))
    ->Arg(int(DiskKind::shm_file))
    ->Arg(int(DiskKind::sim_disk))
    ->UseRealTime();

}  // namespace
}  // namespace clsim::bench
