// Storage port: where an engine's database connection comes from. The composition
// root (the simulator's world, a live service) hands one in: a file on the real
// disk, or a file on the simulated disk. The engine never picks a path or a VFS.
#pragma once
#include <memory>

#include "engine/store/sqlite_db.hpp"

namespace clsim::engine {

class Storage {
 public:
  virtual ~Storage() = default;
  // A new connection with the engine's pragmas (WAL, synchronous=FULL). `create`
  // makes the database when missing; without it a missing one is a StoreError.
  // May throw StoreError: the disk may be failing; an engine retries.
  virtual std::unique_ptr<SqliteDb> open(bool create) = 0;
};

}  // namespace clsim::engine
