// The bytes of one simulated file in two layers: what is durable (survived the
// last sync) and what the OS holds (durable plus every write since). Only the
// ranges touched since the last sync are tracked, so sync and power loss cost
// what was written, not the size of the file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/ports/random.hpp"
#include "sim/disk/paged_bytes.hpp"

namespace clsim::sim {

class FileImage {
 public:
  // What a power loss did to this file.
  struct Loss {
    std::uint64_t writes_lost = 0;  // unsynced writes of which nothing reached the platter
    bool torn = false;              // the last write landed in part (some sectors, not all)
  };

  std::uint64_t size() const { return current_.size(); }
  std::uint64_t durable_size() const { return durable_.size(); }
  // Bytes written or truncated away since the last sync (overlaps count twice).
  std::uint64_t volatile_bytes() const { return volatile_bytes_; }
  std::uint64_t unsynced_writes() const { return unsynced_writes_; }

  // Copies up to out_bytes bytes from `offset`; returns how many existed.
  std::size_t read(std::uint64_t offset, std::uint8_t* out, std::size_t out_bytes) const;
  // Writes past the end extend the file; a gap reads as zeros.
  void write(std::uint64_t offset, const std::uint8_t* data, std::size_t data_bytes);
  void truncate(std::uint64_t size_bytes);
  // Makes everything the OS holds durable.
  void sync();
  // Power loss: the file returns to its durable image. With `tear_rng`, each
  // `sector_bytes` sector of the last unsynced write independently lands or not
  // (decided by the stream), so the write may survive whole, in part, or not at all.
  Loss lose_volatile(engine::Random* tear_rng, std::size_t sector_bytes);

 private:
  struct Range {
    std::uint64_t offset;
    std::uint64_t bytes;
  };
  void mark_dirty(std::uint64_t offset, std::uint64_t bytes);
  void clear_volatile();

  PagedBytes current_;
  PagedBytes durable_;
  // Ranges where current_ may differ from durable_ (writes, and truncated tails).
  std::vector<Range> dirty_;
  std::uint64_t volatile_bytes_ = 0;
  std::uint64_t unsynced_writes_ = 0;
  // The most recent write, if nothing (a truncate, a sync) came after it.
  std::optional<Range> last_write_;
};

}  // namespace clsim::sim
