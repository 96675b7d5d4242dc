#include "sim/disk/sim_disk.hpp"

#include <sqlite3.h>

#include "engine/core/distributions.hpp"
#include "sim/disk/sim_vfs.hpp"

namespace clsim::sim {

SimDisk::SimDisk(std::function<engine::TimePoint()> now, engine::Random& randomness, engine::Random& fault_rng,
                 mocks::FaultCounter& counter)
    : now_(std::move(now)), randomness_(randomness), fault_rng_(fault_rng), counter_(counter) {
  vfs_ = std::make_unique<SimVfs>(*this);
  harness_vfs_ = std::make_unique<SimVfs>(*this, true);
}

SimDisk::~SimDisk() = default;

const std::string& SimDisk::vfs_name() const { return vfs_->name(); }
const std::string& SimDisk::harness_vfs_name() const { return harness_vfs_->name(); }

namespace {
constexpr std::string_view kHarnessMark = " (harness)";
}  // namespace

bool SimDisk::harness_subject(const std::string& on) {
  return on.size() >= kHarnessMark.size() && on.compare(on.size() - kHarnessMark.size(), kHarnessMark.size(), kHarnessMark) == 0;
}

bool SimDisk::inject_ioerr(const char* op, const std::string& file, bool harness_file) {
  // No draw unless the fault is on, so switching it on mid-run is the only
  // thing that moves the fault stream; a schedule decides whatever the rate.
  if (faults_.ioerr_rate <= 0.0 && !counter_.scheduled()) return false;
  const auto call = [&] {
    return mocks::FaultCounter::Call{"disk_ioerr", op + (" " + file) + (harness_file ? std::string(kHarnessMark) : "")};
  };
  if (!counter_.decide(fault_rng_, faults_.ioerr_rate, call))
    return false;
  counter_.add("disk_ioerr");
  return true;
}

bool SimDisk::inject_full() {
  if (!faults_.full) return false;
  counter_.add("disk_full");
  return true;
}

void SimDisk::harness_view_lost() {
  ++harness_epoch_;
  for (auto& [name, node] : files_) node->harness_shm.reset();
}

void SimDisk::power_loss(engine::Random& rng) {
  ++power_epoch_;
  harness_view_lost();
  for (auto& [name, node] : files_) {
    const FileImage::Loss loss = node->image.lose_volatile(faults_.torn_write ? &rng : nullptr, kSectorBytes);
    if (loss.writes_lost > 0) counter_.add("disk_lost_write", std::int64_t(loss.writes_lost));
    if (loss.torn) counter_.add("disk_torn_write");
    // The WAL index is memory and locks belong to processes: both go with the
    // power. A dead handle keeps its old mapping alive but shares it with no one.
    node->shm.reset();
    node->locks = FileLocks{};
  }
}

std::unique_ptr<DiskFile> SimDisk::open(const std::string& name, DiskOpen how, int& rc) {
  auto it = files_.find(name);
  if (it != files_.end() && how.create && how.exclusive) {
    rc = SQLITE_CANTOPEN;
    return nullptr;
  }
  if (it == files_.end()) {
    if (!how.create) {
      rc = SQLITE_CANTOPEN;
      return nullptr;
    }
    // Creating a file is durable at once (the directory entry); its bytes are not.
    it = files_.emplace(name, std::make_shared<DiskNode>()).first;
  }
  rc = SQLITE_OK;
  return std::make_unique<DiskFile>(*this, name, it->second, next_handle_id_++, how.delete_on_close);
}

std::unique_ptr<DiskFile> SimDisk::open_temp(int& rc) {
  // A name no SQLite path has; removed again when the handle closes.
  std::string name = ":clsim-temp:" + std::to_string(next_temp_++);
  return open(name, DiskOpen{true, true, true}, rc);
}

int SimDisk::remove(const std::string& name) {
  if (frozen_) return SQLITE_IOERR_DELETE;
  if (files_.erase(name) == 0) return SQLITE_IOERR_DELETE_NOENT;
  harness_view_lost();
  return SQLITE_OK;
}

void SimDisk::refresh_harness() {
  for (auto& [name, node] : files_)
    if (node->harness_shm && node->shm) node->harness_shm->copy_from(*node->shm);
}

void SimDisk::forget(const std::string& name, const std::shared_ptr<DiskNode>& node) {
  auto it = files_.find(name);
  if (it != files_.end() && it->second == node) files_.erase(it);
}

bool SimDisk::exists_nonempty(const std::string& name) const {
  auto it = files_.find(name);
  return it != files_.end() && it->second->image.size() > 0;
}

std::vector<std::string> SimDisk::files() const {
  std::vector<std::string> names;
  names.reserve(files_.size());
  for (const auto& [name, node] : files_) names.push_back(name);
  return names;
}

std::optional<DiskFileStats> SimDisk::stats(const std::string& name) const {
  auto it = files_.find(name);
  if (it == files_.end()) return std::nullopt;
  const DiskNode& n = *it->second;
  DiskFileStats s;
  s.size_bytes = n.image.size();
  s.durable_bytes = n.image.durable_size();
  s.volatile_bytes = n.image.volatile_bytes();
  s.unsynced_writes = n.image.unsynced_writes();
  s.writes = n.writes;
  s.syncs = n.syncs;
  s.engine_reads = n.engine_reads;
  s.open_handles = n.open_handles;
  return s;
}

void SimDisk::fill_random(std::uint8_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t x = randomness_.next_u64();
    for (std::size_t j = i; j < n && j < i + 8; ++j, x >>= 8) out[j] = std::uint8_t(x & 0xff);
  }
}

}  // namespace clsim::sim
