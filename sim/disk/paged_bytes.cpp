#include "sim/disk/paged_bytes.hpp"

#include <algorithm>
#include <cstring>

namespace clsim::sim {

PagedBytes& PagedBytes::operator=(const PagedBytes& other) {
  if (this == &other) return *this;
  pages_.clear();
  pages_.resize(other.pages_.size());
  for (std::size_t i = 0; i < other.pages_.size(); ++i) {
    if (!other.pages_[i]) continue;
    pages_[i] = std::make_unique_for_overwrite<std::uint8_t[]>(kPageBytes);
    std::memcpy(pages_[i].get(), other.pages_[i].get(), kPageBytes);
  }
  size_ = other.size_;
  return *this;
}

std::uint8_t* PagedBytes::page_for_write(std::size_t index) {
  auto& page = pages_[index];
  if (!page) page = std::make_unique<std::uint8_t[]>(kPageBytes);  // zeroed
  return page.get();
}

void PagedBytes::resize(std::uint64_t size_bytes) {
  if (size_bytes < size_) {
    // Zero the cut-off part of the last kept page: growing again must read zeros.
    const std::size_t keep_pages = std::size_t((size_bytes + kPageBytes - 1) / kPageBytes);
    const std::size_t in_page = std::size_t(size_bytes % kPageBytes);
    if (in_page != 0 && keep_pages <= pages_.size() && pages_[keep_pages - 1])
      std::memset(pages_[keep_pages - 1].get() + in_page, 0, kPageBytes - in_page);
    if (pages_.size() > keep_pages) pages_.resize(keep_pages);
  } else {
    const std::size_t need = std::size_t((size_bytes + kPageBytes - 1) / kPageBytes);
    if (pages_.size() < need) pages_.resize(need);
  }
  size_ = size_bytes;
}

void PagedBytes::read(std::uint64_t offset, std::uint8_t* out, std::size_t bytes) const {
  while (bytes > 0) {
    const std::size_t index = std::size_t(offset / kPageBytes), at = std::size_t(offset % kPageBytes);
    const std::size_t n = std::min(bytes, kPageBytes - at);
    if (pages_[index]) {
      std::memcpy(out, pages_[index].get() + at, n);
    } else {
      std::memset(out, 0, n);
    }
    out += n, offset += n, bytes -= n;
  }
}

void PagedBytes::write(std::uint64_t offset, const std::uint8_t* data, std::size_t bytes) {
  while (bytes > 0) {
    const std::size_t index = std::size_t(offset / kPageBytes), at = std::size_t(offset % kPageBytes);
    const std::size_t n = std::min(bytes, kPageBytes - at);
    std::memcpy(page_for_write(index) + at, data, n);
    data += n, offset += n, bytes -= n;
  }
}

void PagedBytes::copy_range(const PagedBytes& from, std::uint64_t offset, std::uint64_t bytes) {
  while (bytes > 0) {
    const std::size_t index = std::size_t(offset / kPageBytes), at = std::size_t(offset % kPageBytes);
    const std::size_t n = std::size_t(std::min<std::uint64_t>(bytes, kPageBytes - at));
    if (from.pages_[index]) {
      std::memcpy(page_for_write(index) + at, from.pages_[index].get() + at, n);
    } else if (pages_[index]) {
      std::memset(pages_[index].get() + at, 0, n);
    }
    offset += n, bytes -= n;
  }
}

}  // namespace clsim::sim
