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
  if (!dead()) node_->locks.unlock(lock_level_, SQLITE_LOCK_NONE);
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
  if (got < std::size_t(bytes)) {
    // SQLite requires the unread tail zeroed on a short read.
    std::memset(dst + got, 0, std::size_t(bytes) - got);
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

int DiskFile::write(const void* data, int bytes, std::int64_t offset) {
  if (bytes < 0 || offset < 0 || dead()) return SQLITE_IOERR_WRITE;
  if (disk_.frozen()) return SQLITE_IOERR_WRITE;
  if (disk_.inject_ioerr("write", name_, harness_)) return SQLITE_IOERR_WRITE;
  if (std::uint64_t(offset) + std::uint64_t(bytes) > node_->image.size() && disk_.inject_full()) return SQLITE_FULL;
  node_->image.write(std::uint64_t(offset), static_cast<const std::uint8_t*>(data), std::size_t(bytes));
  ++node_->writes;
  return SQLITE_OK;
}

int DiskFile::truncate(std::int64_t size_bytes) {
  if (size_bytes < 0 || disk_.frozen() || dead()) return SQLITE_IOERR_TRUNCATE;
  node_->image.truncate(std::uint64_t(size_bytes));
  return SQLITE_OK;
}

int DiskFile::sync() {
  if (disk_.frozen() || dead()) return SQLITE_IOERR_FSYNC;
  if (disk_.inject_ioerr("sync", name_, harness_)) return SQLITE_IOERR_FSYNC;
  node_->image.sync();
  ++node_->syncs;
  disk_.count_sync();
  return SQLITE_OK;
}

int DiskFile::lock(int level) {
  if (dead()) return SQLITE_IOERR_LOCK;
  return node_->locks.lock(lock_level_, level);
}

int DiskFile::unlock(int level) {
  if (dead()) {
    lock_level_ = std::min(lock_level_, level);
    return SQLITE_OK;
  }
  node_->locks.unlock(lock_level_, level);
  return SQLITE_OK;
}

int DiskFile::shm_map(int region, int region_bytes, bool extend, void volatile** out) {
  *out = nullptr;
  if (dead()) return SQLITE_IOERR_SHMMAP;
  if (!node_->shm) node_->shm = std::make_shared<SharedMemory>();
  shm_ = node_->shm;
  return shm_->map(id_, region, region_bytes, extend, out);
}

int DiskFile::shm_lock(int offset, int n, int flags) {
  if (dead()) return (flags & SQLITE_SHM_UNLOCK) ? SQLITE_OK : SQLITE_IOERR_SHMLOCK;
  if (!node_->shm) return SQLITE_IOERR_SHMLOCK;
  shm_ = node_->shm;
  return shm_->lock(id_, offset, n, flags);
}

void DiskFile::shm_unmap() {
  if (!shm_) return;
  std::shared_ptr<SharedMemory> shm = std::move(shm_);
  shm_.reset();
  // A dead handle's WAL index is no longer the node's: it just lets go of it.
  if (shm->unmap(id_) && node_->shm == shm) node_->shm.reset();
}

}  // namespace clsim::sim
