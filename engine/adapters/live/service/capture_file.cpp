#include "engine/adapters/live/service/capture_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "engine/options_json.hpp"

namespace clsim::live {

namespace {

// The size up to the last complete line: the writer flushes whole lines, so bytes
// after the last newline are a line a killed process did not finish.
std::uintmax_t complete_size(const std::string& path, std::uintmax_t size) {
  std::ifstream in(path, std::ios::binary);
  std::uintmax_t keep = 0;
  std::uintmax_t pos = 0;
  char buf[65536];
  while (in && pos < size) {
    in.read(buf, sizeof buf);
    const auto n = static_cast<std::uintmax_t>(in.gcount());
    for (std::uintmax_t i = 0; i < n; ++i)
      if (buf[i] == '\n') keep = pos + i + 1;
    pos += n;
  }
  return keep;
}

}  // namespace

CaptureFile::CaptureFile(const std::string& path, std::int64_t now_us, std::uint64_t seed,
                         const engine::EngineOptions& options)
    : path_(path) {
  std::error_code ec;
  const auto size = std::filesystem::exists(path, ec) ? std::filesystem::file_size(path, ec) : 0;
  if (ec) throw std::runtime_error(path + ": " + ec.message());
  resumed_ = size > 0;
  if (resumed_) {
    const auto keep = complete_size(path, size);
    if (keep != size) std::filesystem::resize_file(path, keep, ec);
    if (ec) throw std::runtime_error(path + ": cannot drop a cut-off last line: " + ec.message());
  }
  if (!reopen()) throw std::runtime_error(path + ": cannot open for appending");
  if (!resumed_) {
    world(now_us, seed, {{"engines", 1}, {"engine", engine::timing_json(options)}});
    return;
  }
  // This process's engine starts afresh on the same database: to a replay, the
  // engine crashed here and came straight back.
  engine::CaptureRecord restart;
  restart.ts_us = now_us;
  restart.type = "engine:crash:v1:observed";
  restart.event_id = options.capture_id_prefix + ":start";
  restart.payload = {{"engine", 1}, {"restart_after_us", 0}, {"reason", "service started again"}, {"seed", seed}};
  append(restart);
}

void CaptureFile::world(std::int64_t ts_us, std::uint64_t seed, const nlohmann::ordered_json& world) {
  std::ostringstream line;
  engine::JsonlCaptureWriter(line).world(ts_us, seed, world);
  std::string text = line.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  write_line(std::move(text));
}

void CaptureFile::append(const engine::CaptureRecord& record) { write_line(engine::capture_line(record)); }

void CaptureFile::write_line(std::string line) {
  if (pending_.size() >= kPendingMax) {
    pending_.pop_front();
    ++dropped_;
  }
  pending_.push_back(std::move(line) + '\n');
  if (fd_ < 0 && !reopen()) return;
  while (!pending_.empty()) {
    const std::string& text = pending_.front();
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        // Kept: the next append drops what this wrote of it and tries again.
        ::close(fd_);
        fd_ = -1;
        return;
      }
      done += std::size_t(n);
    }
    pending_.pop_front();
  }
}

bool CaptureFile::reopen() {
  std::error_code ec;
  const auto size = std::filesystem::exists(path_, ec) ? std::filesystem::file_size(path_, ec) : 0;
  if (ec) return false;
  const auto keep = complete_size(path_, size);
  if (keep != size) std::filesystem::resize_file(path_, keep, ec);
  if (ec) return false;
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  return fd_ >= 0;
}

CaptureFile::~CaptureFile() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace clsim::live
