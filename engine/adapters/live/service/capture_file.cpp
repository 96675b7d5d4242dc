#include "engine/adapters/live/service/capture_file.hpp"

#include <filesystem>
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
                         const engine::EngineOptions& options) {
  std::error_code ec;
  const auto size = std::filesystem::exists(path, ec) ? std::filesystem::file_size(path, ec) : 0;
  if (ec) throw std::runtime_error(path + ": " + ec.message());
  resumed_ = size > 0;
  if (resumed_) {
    const auto keep = complete_size(path, size);
    if (keep != size) std::filesystem::resize_file(path, keep, ec);
    if (ec) throw std::runtime_error(path + ": cannot drop a cut-off last line: " + ec.message());
  }
  out_.open(path, std::ios::app);
  if (!out_) throw std::runtime_error(path + ": cannot open for appending");
  writer_ = std::make_unique<engine::JsonlCaptureWriter>(out_);
  if (!resumed_) {
    writer_->world(now_us, seed, {{"engines", 1}, {"engine", engine::timing_json(options)}});
    return;
  }
  // This process's engine starts afresh on the same database: to a replay, the
  // engine crashed here and came straight back.
  engine::CaptureRecord restart;
  restart.ts_us = now_us;
  restart.type = "engine:crash:v1:observed";
  restart.event_id = options.capture_id_prefix + ":start";
  restart.payload = {{"engine", 1}, {"restart_after_us", 0}, {"reason", "service started again"}, {"seed", seed}};
  writer_->append(restart);
}

}  // namespace clsim::live
