#include "sim/disk/disk_file.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

#include "sim/disk/sim_disk.hpp"

namespace clsim::sim {

DiskFile::DiskFile(SimDisk& disk, std::string name, std::shared_ptr<DiskNode> node, std::uint64_t id,
                   bool delete_on_close)
    : disk_(disk),
      name_(std::move(name)),
      node_(std::move(node)),
      id_(id),
      power_epoch_(disk.power_epoch()),
      delete_on_close_(delete_on_close) {
  ++node_->open_handles;
}

DiskFile::~DiskFile() {
  shm_unmap();
  // A dead handle's locks went with the power; the node's locks are the new life's.
  if (!dead() && !harness_) node_->locks.unlock(lock_level_, SQLITE_LOCK_NONE);
  --node_->open_handles;
  // Bypasses the frozen check: a temporary file vanishes with its process.
  if (delete_on_close_) disk_.forget(name_, node_);
}

bool DiskFile::dead() const { return power_epoch_ != disk_.power_epoch(); }

int DiskFile::read(void* out, int bytes, std::int64_t offset) {
  if (bytes < 0 || offset < 0 || dead()) return SQLITE_IOERR_READ;
  if (disk_.inject_ioerr("read", name_, harness_)) return SQLITE_IOERR_READ;
  auto* dst = static_cast<std::uint8_t*>(out);
  const std::size_t got = node_->image.read(std::uint64_t(offset), dst, std::size_t(bytes));
  if (!harness_) ++node_->engine_reads;
  if (got < std::size_t(bytes)) {
    // SQLite requires the unread tail zeroed on a short read.
    std::memset(dst + got, 0, std::size_t(bytes) - got);
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

int DiskFile::write(const void* data, int bytes, std::int64_t offset) {
  if (bytes < 0 || offset < 0 || dead()) return SQLITE_IOERR_WRITE;
  if (disk_.frozen() || harness_) return SQLITE_IOERR_WRITE;
  if (disk_.inject_ioerr("write", name_, harness_)) return SQLITE_IOERR_WRITE;
  if (std::uint64_t(offset) + std::uint64_t(bytes) > node_->image.size() && disk_.inject_full()) return SQLITE_FULL;
  node_->image.write(std::uint64_t(offset), static_cast<const std::uint8_t*>(data), std::size_t(bytes));
  ++node_->writes;
  return SQLITE_OK;
}

int DiskFile::truncate(std::int64_t size_bytes) {
  if (size_bytes < 0 || disk_.frozen() || dead() || harness_) return SQLITE_IOERR_TRUNCATE;
  node_->image.truncate(std::uint64_t(size_bytes));
  return SQLITE_OK;
}

int DiskFile::sync() {
  if (disk_.frozen() || dead()) return SQLITE_IOERR_FSYNC;
  // It wrote nothing, and must not make the engines' unsynced writes durable.
  if (harness_) return SQLITE_OK;
  if (disk_.inject_ioerr("sync", name_, harness_)) return SQLITE_IOERR_FSYNC;
  node_->image.sync();
  ++node_->syncs;
  disk_.count_sync();
  return SQLITE_OK;
}

int DiskFile::lock(int level) {
  if (dead()) return SQLITE_IOERR_LOCK;
  if (harness_) {
    if (level > SQLITE_LOCK_SHARED) return SQLITE_BUSY;
    lock_level_ = std::max(lock_level_, level);
    return SQLITE_OK;
  }
  return node_->locks.lock(lock_level_, level);
}

int DiskFile::unlock(int level) {
  if (dead() || harness_) {
    lock_level_ = std::min(lock_level_, level);
    return SQLITE_OK;
  }
  node_->locks.unlock(lock_level_, level);
  return SQLITE_OK;
}

int DiskFile::shm_map(int region, int region_bytes, bool extend, void volatile** out) {
  *out = nullptr;
  if (dead()) return SQLITE_IOERR_SHMMAP;
  auto& shm = node_shm();
  if (!shm) {
    shm = std::make_shared<SharedMemory>();
    // Start from what the engines know; with no engine index, the harness's
    // connection finds zeros and rebuilds its own from the WAL.
    if (harness_ && node_->shm) shm->copy_from(*node_->shm);
  }
  shm_ = shm;
  return shm_->map(id_, region, region_bytes, extend, out);
}

int DiskFile::shm_lock(int offset, int n, int flags) {
  if (dead()) return (flags & SQLITE_SHM_UNLOCK) ? SQLITE_OK : SQLITE_IOERR_SHMLOCK;
  auto& shm = node_shm();
  if (!shm) return SQLITE_IOERR_SHMLOCK;
  shm_ = shm;
  return shm_->lock(id_, offset, n, flags);
}

void DiskFile::shm_unmap() {
  if (!shm_) return;
  std::shared_ptr<SharedMemory> shm = std::move(shm_);
  shm_.reset();
  // A dead handle's WAL index is no longer the node's: it just lets go of it.
  auto& node_shm = this->node_shm();
  if (!shm->unmap(id_) || node_shm != shm) return;
  node_shm.reset();
  // The harness's connection may hold a copy of a WAL the last engine out
  // checkpointed and deleted: it must open again before it next reads.
  if (!harness_) disk_.harness_view_lost();
}

}  // namespace clsim::sim
