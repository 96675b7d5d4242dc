// serve's capture file: a new file opens with the world line, a file appended to
// before loses its cut-off last line and gets a restart line, and a write the
// disk refuses (here a file-size limit) is written later, in order, without a gap
// or a repeat, once the disk takes writes again.
#include "engine/adapters/live/service/capture_file.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <set>

#include "live/child_process.hpp"

namespace clsim::live {
namespace {

using nlohmann::json;

std::vector<json> lines_of(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

engine::CaptureRecord record(int n) {
  engine::CaptureRecord r;
  r.ts_us = 1'000'000 + n;
  r.type = "twitter:engagement:v1:observed";
  r.event_id = "obs-" + std::to_string(n);
  r.campaign_id = "c-1";
  r.user_id = "u-" + std::to_string(n);
  r.payload = {{"kind", "like"}, {"padding", std::string(64, 'x')}};
  return r;
}

TEST(CaptureFile, ANewFileOpensWithTheWorldLineAndAResumedOneDropsItsCutOffLine) {
  live_test::TempDir dir;
  const std::string path = dir.file("capture.jsonl");
  {
    CaptureFile f(path, 5, 42, engine::EngineOptions{});
    EXPECT_FALSE(f.appended_to_existing());
    f.append(record(1));
  }
  std::ofstream(path, std::ios::app) << R"({"ts_us": 7, "type": "twitter:eng)";  // a kill mid-line
  {
    CaptureFile f(path, 9, 43, engine::EngineOptions{});
    EXPECT_TRUE(f.appended_to_existing());
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["type"], "clsim:world:v1:config");
  EXPECT_EQ(lines[0]["payload"]["seed"], 42);
  EXPECT_EQ(lines[1]["event_id"], "obs-1");
  EXPECT_EQ(lines[2]["type"], "engine:crash:v1:observed");
  EXPECT_EQ(lines[2]["payload"]["seed"], 43);
}

TEST(CaptureFile, WritesTheDiskRefusedLaterInOrderWithoutAGapOrARepeat) {
  live_test::TempDir dir;
  const std::string path = dir.file("capture.jsonl");
  CaptureFile f(path, 5, 42, engine::EngineOptions{});
  f.append(record(0));

  // Writes past a few hundred bytes more fail with EFBIG (SIGXFSZ ignored, as serve does).
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit low = old;
  std::ifstream sized(path, std::ios::ate | std::ios::binary);
  low.rlim_cur = rlim_t(sized.tellg()) + 300;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &low), 0);
  for (int n = 1; n <= 20; ++n) f.append(record(n));
  const std::size_t held = f.pending();
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_GT(held, 10u) << "the limit never refused a write";

  f.append(record(21));
  EXPECT_EQ(f.pending(), 0u);
  EXPECT_EQ(f.dropped(), 0u);
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 23u);
  EXPECT_EQ(lines[0]["type"], "clsim:world:v1:config");
  for (int n = 0; n <= 21; ++n) EXPECT_EQ(lines[std::size_t(n) + 1]["event_id"], "obs-" + std::to_string(n));
}

}  // namespace
}  // namespace clsim::live
