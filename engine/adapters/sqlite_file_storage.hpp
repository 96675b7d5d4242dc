// The production Storage: one SQLite database file on the real disk, opened
// through SQLite's default VFS. Every engine and reader of that file gets its
// own connection.
#pragma once
#include <string>

#include "engine/ports/storage.hpp"

namespace clsim::engine {

class SqliteFileStorage final : public Storage {
 public:
  explicit SqliteFileStorage(std::string path) : path_(std::move(path)) {}
  std::unique_ptr<SqliteDb> open(bool create) override { return std::make_unique<SqliteDb>(path_, "", create); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace clsim::engine
