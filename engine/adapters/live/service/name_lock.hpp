// One live holder per engine name on a database. The name is the engine's bus
// consumer and lease owner, so two processes under one name would share leases
// silently and take each other's work. A service holds an exclusive flock on
// "<db>.<name>.lock" for its whole life: the kernel drops it when the process
// dies, however it dies, so a restart after kill -9 takes it at once.
#pragma once
#include <string>

namespace clsim::live {

class NameLock {
 public:
  // Throws std::runtime_error naming the lock file when another process holds it
  // or it cannot be created.
  NameLock(const std::string& db_path, const std::string& name);
  ~NameLock();
  NameLock(const NameLock&) = delete;
  NameLock& operator=(const NameLock&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace clsim::live
