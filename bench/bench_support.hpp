// Helpers every benchmark family shares: where a benchmark database lives (a
// real file on disk, a file on tmpfs, or the simulated disk), virtual-time units,
// and resident memory from /proc (allowed here: benchmarks are not simulation code).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "engine/core/time.hpp"

namespace clsim::bench {

inline constexpr engine::Duration kSecond = engine::Duration(1'000'000);
inline constexpr engine::Duration kMinute = kSecond * 60;
inline constexpr engine::Duration kHour = kMinute * 60;
inline constexpr engine::Duration kDay = kHour * 24;

// The disk under a benchmark's database; the benchmark argument picks it.
enum class DiskKind : int {
  tmp_file = 0,  // a real file under /tmp: every commit is an fsync on the machine's disk
  shm_file = 1,  // a real file under /dev/shm: SQLite and the OS, without the device
  sim_disk = 2,  // sim::SimDisk through its VFS, as every simulated world runs
};

inline const char* to_label(DiskKind k) {
  switch (k) {
    case DiskKind::tmp_file: return "tmp_file";
    case DiskKind::shm_file: return "shm_file";
    case DiskKind::sim_disk: return "sim_disk";
  }
  return "?";
}

inline void remove_db_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
}

// A path for one benchmark's database, emptied first so a run never sees the
// rows of an earlier one (the pid keeps concurrent bench processes apart).
inline std::string fresh_db_path(DiskKind k, const std::string& stem) {
  const std::string dir = k == DiskKind::shm_file ? "/dev/shm/" : "/tmp/";
  std::string path = dir + "clsim_bench_" + stem + "_" + std::to_string(::getpid()) + ".db";
  remove_db_files(path);
  return path;
}

// Resident set size now, from /proc/self/statm (pages -> bytes).
inline std::int64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * std::int64_t(::sysconf(_SC_PAGESIZE));
}

}  // namespace clsim::bench
