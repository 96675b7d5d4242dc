// One open handle on a simulated file, with SQLite's return codes: what an
// sqlite3_file of the simulated-disk VFS does, callable from C++ (and tests)
// without going through SQLite. Fault injection happens here, per call.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "sim/disk/file_image.hpp"
#include "sim/disk/file_locks.hpp"
#include "sim/disk/shared_memory.hpp"

namespace clsim::sim {

class SimDisk;

// A file as the disk knows it (an inode): bytes, locks and, for a database, its
// WAL index. Handles keep it alive, so a file deleted while open stays readable
// through them, as on unix.
struct DiskNode {
  FileImage image;
  FileLocks locks;
  // Shared with the handles that map it, so one that outlives a power loss (a
  // dead handle) never points at freed memory.
  std::shared_ptr<SharedMemory> shm;
  // The harness's own WAL index: a copy of the engines' one (SimDisk::
  // refresh_harness), or one the harness built itself while no engine had one.
  // The engines never see it, so how often the harness looked cannot change
  // what their opens read or when their index is rebuilt.
  std::shared_ptr<SharedMemory> harness_shm;
  std::uint64_t syncs = 0;
  std::uint64_t writes = 0;
  std::uint64_t engine_reads = 0;  // the harness's are left out: they must not matter
  int open_handles = 0;
};

class DiskFile {
 public:
  DiskFile(SimDisk& disk, std::string name, std::shared_ptr<DiskNode> node, std::uint64_t id, bool delete_on_close);
  // Releases this handle's locks and WAL-index mapping, then deletes the file if
  // it was opened delete-on-close. A dead handle (see dead()) holds neither.
  ~DiskFile();
  DiskFile(const DiskFile&) = delete;
  DiskFile& operator=(const DiskFile&) = delete;

  const std::string& name() const { return name_; }
  // A harness file (the checker's, a script's queries, a replay's lookups): its I/O
  // errors are decided under their own subject ("read FILE (harness)"), so a fault
  // schedule's count of the engine's reads does not depend on how often the
  // harness looked. It is invisible to the engines' handles: it reads, never
  // writes, truncates or syncs; its file locks are its own (RESERVED and up are
  // refused, so closing never checkpoints); it maps DiskNode::harness_shm, not
  // the engines' WAL index.
  void set_harness(bool on) { harness_ = on; }
  // Opened before the last power loss: its process died with the power, so
  // every call fails with SQLITE_IOERR_* and its locks and WAL index are gone.
  bool dead() const;
  std::int64_t size() const { return std::int64_t(node_->image.size()); }

  // SQLITE_OK, SQLITE_IOERR_SHORT_READ (rest zero-filled) or SQLITE_IOERR_READ.
  int read(void* out, int bytes, std::int64_t offset);
  // SQLITE_OK, SQLITE_IOERR_WRITE or SQLITE_FULL (a write that grows the file).
  int write(const void* data, int bytes, std::int64_t offset);
  int truncate(std::int64_t size_bytes);
  // SQLITE_OK (the file is durable) or SQLITE_IOERR_FSYNC (nothing changed).
  int sync();

  int lock(int level);
  int unlock(int level);
  bool check_reserved() const { return !dead() && !harness_ && node_->locks.reserved(); }

  int shm_map(int region, int region_bytes, bool extend, void volatile** out);
  int shm_lock(int offset, int n, int flags);
  // Drops the mapping; the last connection out frees the WAL index.
  void shm_unmap();

 private:
  SimDisk& disk_;
  std::string name_;
  std::shared_ptr<DiskNode> node_;
  std::uint64_t id_;
  std::uint64_t power_epoch_;
  bool delete_on_close_;
  bool harness_ = false;
  int lock_level_ = 0;
  std::shared_ptr<SharedMemory> shm_;  // the WAL index this handle mapped, if any
  std::shared_ptr<SharedMemory>& node_shm() { return harness_ ? node_->harness_shm : node_->shm; }
};

}  // namespace clsim::sim
