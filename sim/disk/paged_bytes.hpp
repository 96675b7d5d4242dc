// A growable byte array kept in fixed 64 KiB pages, for the simulated disk's file
// images. A std::vector grown to megabytes moved every byte and faulted in fresh
// pages at each doubling, per file and per seed (a fifth of a swarm seed's time);
// pages come from the ordinary heap and are reused from one world to the next.
// Pages never written read as zeros.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace clsim::sim {

class PagedBytes {
 public:
  static constexpr std::size_t kPageBytes = std::size_t(1) << 16;

  PagedBytes() = default;
  PagedBytes(const PagedBytes& other) { *this = other; }
  PagedBytes& operator=(const PagedBytes& other);
  PagedBytes(PagedBytes&&) noexcept = default;
  PagedBytes& operator=(PagedBytes&&) noexcept = default;

  std::uint64_t size() const { return size_; }
  // Grows with zeros or cuts off the tail (which reads as zeros if grown again).
  void resize(std::uint64_t size_bytes);
  // Both within size().
  void read(std::uint64_t offset, std::uint8_t* out, std::size_t bytes) const;
  void write(std::uint64_t offset, const std::uint8_t* data, std::size_t bytes);
  // Copies [offset, offset + bytes) of `from` here; both must hold the range.
  void copy_range(const PagedBytes& from, std::uint64_t offset, std::uint64_t bytes);

 private:
  std::uint8_t* page_for_write(std::size_t index);

  std::vector<std::unique_ptr<std::uint8_t[]>> pages_;  // null: all zeros
  std::uint64_t size_ = 0;
};

}  // namespace clsim::sim
