// The simulation's Storage: a database file on a SimDisk, opened through the
// disk's VFS, so power loss, torn writes and I/O errors happen below SQLite.
#pragma once
#include <string>

#include "engine/ports/storage.hpp"
#include "sim/disk/sim_disk.hpp"

namespace clsim::sim {

class SimDiskStorage final : public engine::Storage {
 public:
  SimDiskStorage(SimDisk& disk, std::string path) : disk_(disk), path_(std::move(path)) {}
  std::unique_ptr<engine::SqliteDb> open(bool create) override {
    return std::make_unique<engine::SqliteDb>(path_, disk_.vfs_name(), create);
  }

 private:
  SimDisk& disk_;
  std::string path_;
};

}  // namespace clsim::sim
