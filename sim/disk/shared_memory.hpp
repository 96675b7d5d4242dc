// The WAL index of one database: the regions xShmMap hands out and the
// SQLITE_SHM_NLOCK lock slots, shared by every connection to that database.
// All engines live in one process, so plain memory serves. It is derived state:
// the disk drops it when the last connection unmaps, and the next opener finds
// zeros and rebuilds it from the WAL, as SQLite does after a real crash.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace clsim::sim {

class SharedMemory {
 public:
  // SQLITE_OK with *out the region (nullptr when it does not exist and
  // `extend` is false); regions never move once handed out.
  int map(std::uint64_t conn, int region, int region_bytes, bool extend, void volatile** out);
  // `flags` as xShmLock's: SQLITE_SHM_LOCK or _UNLOCK with _SHARED or _EXCLUSIVE.
  int lock(std::uint64_t conn, int offset, int n, int flags);
  // Drops the connection's locks and mapping. True when no connection is left.
  bool unmap(std::uint64_t conn);

  // Makes this index a copy of `from`'s bytes (not its locks), unless the parts a
  // reader trusts - both header copies and the checkpoint's backfill mark - are
  // already equal. Regions keep their addresses; ones `from` lacks are zeroed.
  void copy_from(const SharedMemory& from);

 private:
  struct Masks {
    std::uint32_t shared = 0;
    std::uint32_t exclusive = 0;
  };
  int region_bytes_ = 0;
  std::vector<std::unique_ptr<std::uint8_t[]>> regions_;
  // Keyed by the disk's handle sequence number, never a pointer.
  std::map<std::uint64_t, Masks> conns_;
};

}  // namespace clsim::sim
