#include "engine/adapters/live/service/name_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace clsim::live {

NameLock::NameLock(const std::string& db_path, const std::string& name) : path_(db_path + "." + name + ".lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(path_ + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) throw std::runtime_error("another clsim serve holds this name (" + path_ + ")");
    throw std::runtime_error(path_ + ": " + std::strerror(err));
  }
}

NameLock::~NameLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace clsim::live
