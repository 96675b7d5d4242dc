#include "sim/disk/file_locks.hpp"

#include <sqlite3.h>

namespace clsim::sim {

int FileLocks::lock(int& held, int want) {
  if (held >= want) return SQLITE_OK;
  // Another handle holds the elevated lock: it blocks anything above SHARED,
  // and once PENDING or more it blocks new readers too.
  if (held != level_ && (level_ >= SQLITE_LOCK_PENDING || want > SQLITE_LOCK_SHARED)) return SQLITE_BUSY;
  if (want == SQLITE_LOCK_SHARED) {
    held = SQLITE_LOCK_SHARED;
    ++shared_;
    if (level_ < SQLITE_LOCK_SHARED) level_ = SQLITE_LOCK_SHARED;
    return SQLITE_OK;
  }
  if (want == SQLITE_LOCK_EXCLUSIVE && shared_ > 1) {
    // Readers remain: hold PENDING so no new one starts, and let the caller retry.
    held = SQLITE_LOCK_PENDING;
    level_ = SQLITE_LOCK_PENDING;
    return SQLITE_BUSY;
  }
  held = want;
  level_ = want;
  return SQLITE_OK;
}

void FileLocks::unlock(int& held, int to) {
  if (held <= to) return;
  if (held > SQLITE_LOCK_SHARED) level_ = SQLITE_LOCK_SHARED;
  if (to == SQLITE_LOCK_NONE) {
    --shared_;
    if (shared_ == 0) level_ = SQLITE_LOCK_NONE;
  }
  held = to;
}

bool FileLocks::reserved() const { return level_ > SQLITE_LOCK_SHARED; }

}  // namespace clsim::sim
