// The simulated disk of one world: named files whose writes stay volatile until
// xSync, power loss (optionally tearing the last write at sector granularity),
// injected I/O faults, and a SQLite VFS over it all, registered under a name
// unique in the process. Engines open their database with `vfs_name()`, the
// harness (checker, scripts' queries, replay lookups) with `harness_vfs_name()`.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.hpp"
#include "engine/ports/random.hpp"
#include "mocks/fault_counter.hpp"
#include "sim/disk/disk_file.hpp"

namespace clsim::sim {

class SimVfs;

struct DiskFaults {
  bool torn_write = false;  // power loss may land the last unsynced write in part
  double ioerr_rate = 0.0;  // share of reads, writes and syncs failing with SQLITE_IOERR_*
  bool full = false;        // writes that grow a file fail with SQLITE_FULL
};

struct DiskFileStats {
  std::uint64_t size_bytes = 0;      // what a reader sees now
  std::uint64_t durable_bytes = 0;   // size of the image a power loss returns to
  std::uint64_t volatile_bytes = 0;  // written or truncated since the last sync
  std::uint64_t unsynced_writes = 0;
  std::uint64_t writes = 0;
  std::uint64_t syncs = 0;
  std::uint64_t engine_reads = 0;  // reads through vfs_name(), not the harness's
  int open_handles = 0;
};

struct DiskOpen {
  bool create = false;
  bool exclusive = false;  // with create: fail if the file exists
  bool delete_on_close = false;
};

class SimDisk {
 public:
  static constexpr std::size_t kSectorBytes = 512;

  // `now` and `randomness` back the VFS's xCurrentTime and xRandomness;
  // `fault_rng` decides injected I/O errors; `counter` counts disk_ioerr,
  // disk_full, disk_torn_write, disk_lost_write. All must outlive the disk.
  SimDisk(std::function<engine::TimePoint()> now, engine::Random& randomness, engine::Random& fault_rng,
          mocks::FaultCounter& counter);
  // Unregisters the VFS. Every connection using it must be closed first.
  ~SimDisk();
  SimDisk(const SimDisk&) = delete;
  SimDisk& operator=(const SimDisk&) = delete;

  // The registered VFS name, for sqlite3_open_v2. Differs between disks and
  // between runs of a swarm, so it must never reach a trace.
  const std::string& vfs_name() const;
  // The same files through a second VFS whose I/O-error decisions are named
  // "<op> <file> (harness)": the harness's reads keep their own count.
  const std::string& harness_vfs_name() const;
  // Whether a fault decision's subject is a harness file's (see harness_vfs_name).
  static bool harness_subject(const std::string& on);

  void set_faults(const DiskFaults& f) { faults_ = f; }
  const DiskFaults& faults() const { return faults_; }

  // While frozen, writes, truncates, syncs and deletes fail with SQLITE_IOERR_*
  // and change nothing (not counted as faults). Freeze around closing a crashed
  // engine's connections so the close cannot roll back or checkpoint: a dead
  // process does neither. Locks and the WAL index are released, as the OS would.
  void set_frozen(bool on) { frozen_ = on; }
  bool frozen() const { return frozen_; }

  // Every file returns to its last synced image; with faults().torn_write the
  // last unsynced write of each file may land in part, sector by sector, as
  // `rng` decides. No process survives the power: WAL indexes and locks are
  // dropped, and a handle still open (a connection leaked or not yet closed)
  // becomes dead - every call on it fails with SQLITE_IOERR_* - so it can
  // neither keep a stale WAL index alive nor write into the new life.
  void power_loss(engine::Random& rng);

  // File API (what the VFS calls). On failure returns nullptr and sets rc.
  std::unique_ptr<DiskFile> open(const std::string& name, DiskOpen how, int& rc);
  std::unique_ptr<DiskFile> open_temp(int& rc);
  // SQLITE_OK, SQLITE_IOERR_DELETE_NOENT, or SQLITE_IOERR_DELETE when frozen.
  // Deleting is durable at once; open handles keep the bytes, as on unix.
  int remove(const std::string& name);
  // As unix's access(): an empty file does not count as existing.
  bool exists_nonempty(const std::string& name) const;
  bool exists(const std::string& name) const { return files_.count(name) != 0; }

  // Introspection, in name order.
  std::vector<std::string> files() const;
  std::optional<DiskFileStats> stats(const std::string& name) const;
  std::uint64_t syncs() const { return syncs_; }
  // Power losses so far; a handle opened before the last one is dead.
  std::uint64_t power_epoch() const { return power_epoch_; }

  // The harness reads through indexes of its own (DiskNode::harness_shm). Before
  // it reads, refresh them from the engines' ones; and when harness_epoch() has
  // moved since its connection opened (an engines' index was dropped, a file
  // deleted, the power lost), that connection may hold a view of a WAL that is
  // gone: close it and open another.
  void refresh_harness();
  std::uint64_t harness_epoch() const { return harness_epoch_; }

  engine::TimePoint now() const { return now_(); }
  void fill_random(std::uint8_t* out, std::size_t n);

 private:
  friend class DiskFile;
  bool inject_ioerr(const char* op, const std::string& file, bool harness_file);
  bool inject_full();
  void count_sync() { ++syncs_; }
  // Harness connections open now may view a WAL that is gone: new ones start
  // from fresh indexes, and the epoch tells the old ones' owner to reopen.
  void harness_view_lost();
  // Drops `name` if it still names `node` (a delete-on-close handle closing).
  void forget(const std::string& name, const std::shared_ptr<DiskNode>& node);

  std::function<engine::TimePoint()> now_;
  engine::Random& randomness_;
  engine::Random& fault_rng_;
  mocks::FaultCounter& counter_;
  DiskFaults faults_;
  bool frozen_ = false;
  std::map<std::string, std::shared_ptr<DiskNode>> files_;
  std::uint64_t next_handle_id_ = 1;
  std::uint64_t next_temp_ = 1;
  std::uint64_t syncs_ = 0;
  std::uint64_t power_epoch_ = 0;
  std::uint64_t harness_epoch_ = 0;
  std::unique_ptr<SimVfs> vfs_, harness_vfs_;
};

}  // namespace clsim::sim
