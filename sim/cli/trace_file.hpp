// --trace FILE (run, replay): trace lines streamed into a temporary file beside
// FILE; commit() renames it into place, so a failed run leaves nothing half-written.
#pragma once
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace clsim::cli {

class TraceFile {
 public:
  // `command` ("clsim run") prefixes the message printed when the file cannot be written.
  TraceFile(std::string path, std::string command)
      : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())), command_(std::move(command)) {
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
  }
  ~TraceFile() {
    if (!committed_) std::remove(tmp_.c_str());
  }
  bool ok() const { return bool(out_) || failed(); }
  void write(const std::string& line) { out_ << line << '\n'; }
  bool commit() {
    out_.close();
    committed_ = out_.good() && std::rename(tmp_.c_str(), path_.c_str()) == 0;
    return committed_ || failed();
  }

 private:
  bool failed() const {
    std::fprintf(stderr, "%s: %s: cannot write the trace file\n", command_.c_str(), path_.c_str());
    return false;
  }
  std::string path_, tmp_, command_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace clsim::cli
