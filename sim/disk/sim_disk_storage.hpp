// The simulation's Storage: a database file on a SimDisk, opened through the
// disk's VFS, so power loss, torn writes and I/O errors happen below SQLite.
#pragma once
#include <string>

#include "engine/ports/storage.hpp"
#include "sim/disk/sim_disk.hpp"

namespace clsim::sim {

class SimDiskStorage final : public engine::Storage {
 public:
  // `harness`: through the disk's harness VFS (SimDisk::harness_vfs_name).
  SimDiskStorage(SimDisk& disk, std::string path, bool harness = false)
      : disk_(disk), path_(std::move(path)), harness_(harness) {}
  std::unique_ptr<engine::SqliteDb> open(bool create) override {
    return std::make_unique<engine::SqliteDb>(path_, harness_ ? disk_.harness_vfs_name() : disk_.vfs_name(), create);
  }

 private:
  SimDisk& disk_;
  std::string path_;
  bool harness_;
};

}  // namespace clsim::sim
