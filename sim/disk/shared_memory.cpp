#include "sim/disk/shared_memory.hpp"

#include <sqlite3.h>

#include <cstring>

namespace clsim::sim {

int SharedMemory::map(std::uint64_t conn, int region, int region_bytes, bool extend, void volatile** out) {
  *out = nullptr;
  if (region < 0 || region_bytes <= 0) return SQLITE_IOERR_SHMMAP;
  if (region_bytes_ == 0) region_bytes_ = region_bytes;
  if (region_bytes != region_bytes_) return SQLITE_IOERR_SHMSIZE;
  conns_.try_emplace(conn);
  const auto wanted = std::size_t(region) + 1;
  if (regions_.size() < wanted) {
    if (!extend) return SQLITE_OK;
    while (regions_.size() < wanted) {
      auto bytes = std::make_unique<std::uint8_t[]>(std::size_t(region_bytes_));
      std::memset(bytes.get(), 0, std::size_t(region_bytes_));
      regions_.push_back(std::move(bytes));
    }
  }
  *out = regions_[std::size_t(region)].get();
  return SQLITE_OK;
}

int SharedMemory::lock(std::uint64_t conn, int offset, int n, int flags) {
  if (offset < 0 || n <= 0 || offset + n > SQLITE_SHM_NLOCK) return SQLITE_IOERR_SHMLOCK;
  const std::uint32_t mask = ((1u << (offset + n)) - 1u) & ~((1u << offset) - 1u);
  Masks& me = conns_[conn];
  if (flags & SQLITE_SHM_UNLOCK) {
    // As in unix: an unlock releases the slots in whichever mode they were held.
    me.shared &= ~mask;
    me.exclusive &= ~mask;
    return SQLITE_OK;
  }
  // The caller counts too: unix refuses a shared slot the caller holds
  // exclusively and an exclusive slot the caller holds at all.
  for (const auto& [id, m] : conns_) {
    if (flags & SQLITE_SHM_SHARED) {
      if (m.exclusive & mask) return SQLITE_BUSY;
    } else if ((m.exclusive | m.shared) & mask) {
      return SQLITE_BUSY;
    }
  }
  if (flags & SQLITE_SHM_SHARED) {
    me.shared |= mask;
  } else {
    me.exclusive |= mask;
  }
  return SQLITE_OK;
}

void SharedMemory::copy_from(const SharedMemory& from) {
  if (from.regions_.empty()) return;
  // SQLite's WalIndexHdr twice (48 bytes each), then WalCkptInfo whose first
  // word is nBackfill; the read marks after it are each reader's own business.
  constexpr std::size_t kTrusted = 2 * 48 + 4;
  if (region_bytes_ != 0 && region_bytes_ != from.region_bytes_) return;  // SQLite never changes it
  const std::size_t bytes = std::size_t(from.region_bytes_);
  if (!regions_.empty() && std::memcmp(regions_[0].get(), from.regions_[0].get(), kTrusted) == 0)
    return;
  region_bytes_ = from.region_bytes_;
  for (std::size_t i = 0; i < regions_.size() || i < from.regions_.size(); ++i) {
    if (i == regions_.size()) regions_.push_back(std::make_unique<std::uint8_t[]>(bytes));
    if (i < from.regions_.size()) std::memcpy(regions_[i].get(), from.regions_[i].get(), bytes);
    else std::memset(regions_[i].get(), 0, bytes);
  }
}

bool SharedMemory::unmap(std::uint64_t conn) {
  conns_.erase(conn);
  return conns_.empty();
}

}  // namespace clsim::sim
