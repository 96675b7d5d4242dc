// SQLite's file lock levels (NONE < SHARED < RESERVED < PENDING < EXCLUSIVE)
// shared by every handle open on one simulated file. The rules are those of
// SQLite's unix VFS between handles: many SHARED, at most one handle above
// SHARED, PENDING keeps new readers out, EXCLUSIVE waits for the last reader.
#pragma once

namespace clsim::sim {

class FileLocks {
 public:
  // `held` is the calling handle's level, updated in place. SQLITE_OK or
  // SQLITE_BUSY; a refused EXCLUSIVE leaves the caller at PENDING, as in unix.
  int lock(int& held, int want);
  // Down to SHARED or NONE.
  void unlock(int& held, int to);
  // Some handle holds RESERVED or more.
  bool reserved() const;

 private:
  int level_ = 0;   // the highest level any handle holds
  int shared_ = 0;  // handles at SHARED or above
};

}  // namespace clsim::sim
