// A live service's capture: the capture format appended to a file, a line at a
// time and flushed (a service has no end at which to write a whole file). A new
// file starts with the world line (seed and engine timing); a file the service
// appended to before gets an engine:crash:v1:observed line for this start, and
// a last line cut off by a kill is dropped first, so the log stays readable.
// A write that fails (disk full, a file-size limit) leaves its line and those
// after it waiting in memory; the next append drops the cut-off tail, reopens the
// file and writes them in order, so a full disk delays the capture, not gaps it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "engine/adapters/jsonl_capture.hpp"
#include "engine/engine.hpp"

namespace clsim::live {

class CaptureFile final : public engine::CaptureSink {
 public:
  // Lines held while the file cannot be written; past this the oldest go (counted).
  static constexpr std::size_t kPendingMax = 100'000;

  // Throws std::runtime_error naming the file when it cannot be opened for appending.
  CaptureFile(const std::string& path, std::int64_t now_us, std::uint64_t seed, const engine::EngineOptions& options);
  ~CaptureFile() override;
  CaptureFile(const CaptureFile&) = delete;
  CaptureFile& operator=(const CaptureFile&) = delete;
  engine::CaptureSink& sink() { return *this; }
  bool appended_to_existing() const { return resumed_; }
  std::size_t pending() const { return pending_.size(); }
  std::uint64_t dropped() const { return dropped_; }

  void world(std::int64_t ts_us, std::uint64_t seed, const nlohmann::ordered_json& world) override;
  void append(const engine::CaptureRecord& record) override;

 private:
  void write_line(std::string line);
  bool reopen();  // after a failed write: drop the cut-off tail, open again

  std::string path_;
  int fd_ = -1;  // O_APPEND, no user-space buffer: a failed write leaves nothing to flush later
  std::deque<std::string> pending_;  // not yet written, in order
  std::uint64_t dropped_ = 0;
  bool resumed_ = false;
};

}  // namespace clsim::live
