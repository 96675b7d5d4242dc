#include "sim/disk/file_image.hpp"

#include <algorithm>
#include <cstring>

#include "engine/core/distributions.hpp"

namespace clsim::sim {

std::size_t FileImage::read(std::uint64_t offset, std::uint8_t* out, std::size_t out_bytes) const {
  if (offset >= current_.size()) return 0;
  const std::size_t n = std::size_t(std::min<std::uint64_t>(out_bytes, current_.size() - offset));
  current_.read(offset, out, n);
  return n;
}

void FileImage::mark_dirty(std::uint64_t offset, std::uint64_t bytes) {
  if (bytes == 0) return;
  dirty_.push_back({offset, bytes});
  volatile_bytes_ += bytes;
}

void FileImage::write(std::uint64_t offset, const std::uint8_t* data, std::size_t data_bytes) {
  if (data_bytes == 0) return;
  const std::uint64_t end = offset + data_bytes;
  if (end > current_.size()) {
    // The zero-filled gap between the old end and `offset` is covered by a
    // truncate range already if durable_ had bytes there (see truncate()).
    current_.resize(end);
  }
  current_.write(offset, data, data_bytes);
  mark_dirty(offset, data_bytes);
  ++unsynced_writes_;
  last_write_ = Range{offset, data_bytes};
}

void FileImage::truncate(std::uint64_t size_bytes) {
  const std::uint64_t old = current_.size();
  if (size_bytes < old) mark_dirty(size_bytes, old - size_bytes);
  current_.resize(size_bytes);
  last_write_.reset();
}

void FileImage::sync() {
  durable_.resize(current_.size());
  for (const Range& r : dirty_) {
    if (r.offset >= current_.size()) continue;
    durable_.copy_range(current_, r.offset, std::min(r.bytes, current_.size() - r.offset));
  }
  clear_volatile();
}

void FileImage::clear_volatile() {
  dirty_.clear();
  volatile_bytes_ = 0;
  unsynced_writes_ = 0;
  last_write_.reset();
}

FileImage::Loss FileImage::lose_volatile(engine::Random* tear_rng, std::size_t sector_bytes) {
  Loss loss;
  if (dirty_.empty()) return loss;
  loss.writes_lost = unsynced_writes_;

  // Keep the last write's bytes before the rollback erases them.
  const bool tear = tear_rng && last_write_;
  const Range last = tear ? *last_write_ : Range{0, 0};
  std::vector<std::uint8_t> last_bytes;
  if (tear) {
    last_bytes.resize(std::size_t(last.bytes));
    current_.read(last.offset, last_bytes.data(), last_bytes.size());
  }

  // Back to the durable image: drop the tail grown since, restore what was
  // overwritten or truncated away.
  current_.resize(durable_.size());
  for (const Range& r : dirty_) {
    if (r.offset >= durable_.size()) continue;
    current_.copy_range(durable_, r.offset, std::min(r.bytes, durable_.size() - r.offset));
  }

  if (tear) {
    // Sectors of the device, not of the write: a write that starts mid-sector
    // lands in pieces aligned to sector boundaries.
    const std::uint64_t first_sector = last.offset / sector_bytes;
    const std::uint64_t end = last.offset + last.bytes;
    const std::uint64_t end_sector = (end + sector_bytes - 1) / sector_bytes;
    std::uint64_t landed = 0;
    for (std::uint64_t s = first_sector; s < end_sector; ++s) {
      if (engine::uniform_below(*tear_rng, 2) == 0) continue;
      const std::uint64_t lo = std::max(last.offset, s * sector_bytes);
      const std::uint64_t hi = std::min(end, (s + 1) * sector_bytes);
      if (hi > current_.size()) current_.resize(hi);
      current_.write(lo, last_bytes.data() + (lo - last.offset), std::size_t(hi - lo));
      ++landed;
    }
    const std::uint64_t sectors = end_sector - first_sector;
    // A write that landed, whole or in part, is not lost; in part it is torn.
    if (landed > 0) --loss.writes_lost;
    loss.torn = landed > 0 && landed < sectors;
  }
  durable_ = current_;
  clear_volatile();
  return loss;
}

}  // namespace clsim::sim
