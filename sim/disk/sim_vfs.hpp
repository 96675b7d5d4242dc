// The sqlite3_vfs glue of one SimDisk: registers a VFS whose files are the
// disk's, under a name unique in the process, and unregisters it on
// destruction. Time and randomness come from the world through the disk; xSleep
// returns at once; there is no dlopen.
#pragma once
#include <sqlite3.h>

#include <string>

namespace clsim::sim {

class SimDisk;

class SimVfs {
 public:
  // `harness`: the files it opens are the harness's (DiskFile::set_harness).
  explicit SimVfs(SimDisk& disk, bool harness = false);
  ~SimVfs();
  SimVfs(const SimVfs&) = delete;
  SimVfs& operator=(const SimVfs&) = delete;

  const std::string& name() const { return name_; }

  // What the VFS callbacks find in pAppData.
  struct App {
    SimDisk* disk;
    bool harness;
  };

 private:
  std::string name_;
  App app_;
  sqlite3_vfs vfs_{};
  bool registered_ = false;
};

}  // namespace clsim::sim
