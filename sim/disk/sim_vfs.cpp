#include "sim/disk/sim_vfs.hpp"

#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>

#include "engine/store/sqlite_db.hpp"
#include "sim/disk/sim_disk.hpp"

namespace clsim::sim {
namespace {

// What SQLite allocates per open file (szOsFile): its header, then our handle.
struct VfsFile {
  sqlite3_file base;
  DiskFile* file;
};

DiskFile& handle(sqlite3_file* f) { return *reinterpret_cast<VfsFile*>(f)->file; }
SimDisk& disk_of(sqlite3_vfs* vfs) { return *static_cast<SimVfs::App*>(vfs->pAppData)->disk; }
bool harness_vfs(sqlite3_vfs* vfs) { return static_cast<SimVfs::App*>(vfs->pAppData)->harness; }

// Milliseconds from the Julian day epoch (-4713-11-24 12:00 UTC) to 1970-01-01.
constexpr sqlite3_int64 kUnixEpochJulianMs = 210866760000000LL;

// The C callbacks must not let an exception into SQLite's frames.
template <class F>
int guarded(int on_error, F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  } catch (const std::exception&) {
    return on_error;
  }
}

int x_close(sqlite3_file* f) {
  auto* vf = reinterpret_cast<VfsFile*>(f);
  delete vf->file;
  vf->file = nullptr;
  return SQLITE_OK;
}

int x_read(sqlite3_file* f, void* out, int amt, sqlite3_int64 off) {
  return guarded(SQLITE_IOERR_READ, [&] { return handle(f).read(out, amt, off); });
}

int x_write(sqlite3_file* f, const void* data, int amt, sqlite3_int64 off) {
  return guarded(SQLITE_IOERR_WRITE, [&] { return handle(f).write(data, amt, off); });
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return guarded(SQLITE_IOERR_TRUNCATE, [&] { return handle(f).truncate(size); });
}

int x_sync(sqlite3_file* f, int /*flags*/) {
  return guarded(SQLITE_IOERR_FSYNC, [&] { return handle(f).sync(); });
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  *size = handle(f).size();
  return SQLITE_OK;
}

int x_lock(sqlite3_file* f, int level) { return handle(f).lock(level); }
int x_unlock(sqlite3_file* f, int level) { return handle(f).unlock(level); }

int x_check_reserved(sqlite3_file* f, int* out) {
  *out = handle(f).check_reserved() ? 1 : 0;
  return SQLITE_OK;
}

// No file controls: SQLite falls back to its defaults for every one
// (HAS_MOVED unimplemented means "not moved").
int x_file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }

int x_sector_size(sqlite3_file*) { return int(SimDisk::kSectorBytes); }

// No guarantees claimed (no atomic or sequential writes, no powersafe
// overwrite), so SQLite takes every precaution the tearing model can defeat.
int x_device_characteristics(sqlite3_file*) { return 0; }

int x_shm_map(sqlite3_file* f, int region, int region_bytes, int extend, void volatile** out) {
  return guarded(SQLITE_IOERR_SHMMAP,
                 [&] { return handle(f).shm_map(region, region_bytes, extend != 0, out); });
}

int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return guarded(SQLITE_IOERR_SHMLOCK, [&] { return handle(f).shm_lock(offset, n, flags); });
}

// One thread: there is no other core to order memory against.
void x_shm_barrier(sqlite3_file*) {}

int x_shm_unmap(sqlite3_file* f, int /*delete_flag*/) {
  handle(f).shm_unmap();
  return SQLITE_OK;
}

const sqlite3_io_methods kIoMethods = {
    2,  // iVersion: xShm* yes, xFetch (mmap) no
    x_close,     x_read,          x_write,   x_truncate,    x_sync,
    x_file_size, x_lock,          x_unlock,  x_check_reserved, x_file_control,
    x_sector_size, x_device_characteristics,
    x_shm_map,   x_shm_lock,      x_shm_barrier, x_shm_unmap,
    nullptr,     nullptr,
};

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* vf = reinterpret_cast<VfsFile*>(f);
  // A null pMethods tells SQLite not to call xClose after a failed open.
  vf->base.pMethods = nullptr;
  vf->file = nullptr;
  return guarded(SQLITE_CANTOPEN, [&] {
    SimDisk& disk = disk_of(vfs);
    int rc = SQLITE_OK;
    std::unique_ptr<DiskFile> file;
    if (name == nullptr) {
      file = disk.open_temp(rc);
    } else {
      DiskOpen how;
      how.create = (flags & SQLITE_OPEN_CREATE) != 0;
      how.exclusive = (flags & SQLITE_OPEN_EXCLUSIVE) != 0;
      how.delete_on_close = (flags & SQLITE_OPEN_DELETEONCLOSE) != 0;
      file = disk.open(name, how, rc);
    }
    if (!file) return rc;
    file->set_harness(harness_vfs(vfs));
    vf->file = file.release();
    vf->base.pMethods = &kIoMethods;
    if (out_flags) *out_flags = flags;
    return SQLITE_OK;
  });
}

int x_delete(sqlite3_vfs* vfs, const char* name, int /*sync_dir*/) {
  return guarded(SQLITE_IOERR_DELETE, [&] { return disk_of(vfs).remove(name); });
}

int x_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  const SimDisk& disk = disk_of(vfs);
  *out = (flags == SQLITE_ACCESS_EXISTS ? disk.exists_nonempty(name) : disk.exists(name)) ? 1 : 0;
  return SQLITE_OK;
}

// Names are used as given: the simulated disk has no directories.
int x_full_pathname(sqlite3_vfs*, const char* name, int out_bytes, char* out) {
  const std::size_t n = std::strlen(name);
  if (n + 1 > std::size_t(out_bytes)) return SQLITE_CANTOPEN;
  std::memcpy(out, name, n + 1);
  return SQLITE_OK;
}

void* x_dl_open(sqlite3_vfs*, const char*) { return nullptr; }
void x_dl_error(sqlite3_vfs*, int bytes, char* msg) {
  if (bytes > 0) sqlite3_snprintf(bytes, msg, "the simulated disk loads no extensions");
}
void (*x_dl_sym(sqlite3_vfs*, void*, const char*))(void) { return nullptr; }
void x_dl_close(sqlite3_vfs*, void*) {}

int x_randomness(sqlite3_vfs* vfs, int bytes, char* out) {
  if (bytes <= 0) return 0;
  disk_of(vfs).fill_random(reinterpret_cast<std::uint8_t*>(out), std::size_t(bytes));
  return bytes;
}

// Virtual time does not pass while a handler runs, so sleeping cannot help;
// SQLITE_BUSY goes back to the engine, which retries through the event loop.
int x_sleep(sqlite3_vfs*, int microseconds) { return microseconds; }

int x_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  *out = engine::to_us(disk_of(vfs).now()) / 1000 + kUnixEpochJulianMs;
  return SQLITE_OK;
}

int x_current_time(sqlite3_vfs* vfs, double* out) {
  sqlite3_int64 ms = 0;
  x_current_time_int64(vfs, &ms);
  *out = double(ms) / 86400000.0;
  return SQLITE_OK;
}

int x_get_last_error(sqlite3_vfs*, int, char*) { return 0; }

int x_set_system_call(sqlite3_vfs*, const char*, sqlite3_syscall_ptr) { return SQLITE_NOTFOUND; }
sqlite3_syscall_ptr x_get_system_call(sqlite3_vfs*, const char*) { return nullptr; }
const char* x_next_system_call(sqlite3_vfs*, const char*) { return nullptr; }

std::string next_vfs_name() {
  // Process-wide only to keep names unique between worlds; the name never
  // reaches a trace, so the counter cannot make runs differ.
  static std::atomic<std::uint64_t> counter{0};
  return "clsim-simdisk-" + std::to_string(++counter);
}

}  // namespace

SimVfs::SimVfs(SimDisk& disk, bool harness) : name_(next_vfs_name()), app_{&disk, harness} {
  vfs_.iVersion = 3;
  vfs_.szOsFile = int(sizeof(VfsFile));
  vfs_.mxPathname = 512;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = &app_;
  vfs_.xOpen = x_open;
  vfs_.xDelete = x_delete;
  vfs_.xAccess = x_access;
  vfs_.xFullPathname = x_full_pathname;
  vfs_.xDlOpen = x_dl_open;
  vfs_.xDlError = x_dl_error;
  vfs_.xDlSym = x_dl_sym;
  vfs_.xDlClose = x_dl_close;
  vfs_.xRandomness = x_randomness;
  vfs_.xSleep = x_sleep;
  vfs_.xCurrentTime = x_current_time;
  vfs_.xGetLastError = x_get_last_error;
  vfs_.xCurrentTimeInt64 = x_current_time_int64;
  vfs_.xSetSystemCall = x_set_system_call;
  vfs_.xGetSystemCall = x_get_system_call;
  vfs_.xNextSystemCall = x_next_system_call;
  engine::configure_sqlite();
  if (sqlite3_vfs_register(&vfs_, 0) != SQLITE_OK) throw std::runtime_error("cannot register the simulated disk VFS");
  registered_ = true;
}

SimVfs::~SimVfs() {
  if (registered_) sqlite3_vfs_unregister(&vfs_);
}

}  // namespace clsim::sim
