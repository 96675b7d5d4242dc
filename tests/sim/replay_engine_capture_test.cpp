// A production engine's own capture sink writes what `clsim replay` reads: the
// log an engine appends (outside any simulation) parses strictly and replays to
// the same end in a simulated world.
#include <gtest/gtest.h>

#include <sstream>

#include "bench/engine_rig.hpp"
#include "engine/adapters/jsonl_capture.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::sim {
namespace {

TEST(EngineCaptureReplay, AnEnginesOwnLogParsesStrictlyAndReplaysToTheSameEnd) {
  std::ostringstream log;
  engine::JsonlCaptureWriter writer(log);
  std::string id;
  {
    bench::EngineRig rig(bench::DiskKind::sim_disk);
    rig.options.capture = &writer;
    rig.start();
    id = rig.publish_campaign("alice", 100'000, bench::kHour);
    rig.run_for(bench::kHour * 2);
    EXPECT_FALSE(rig.engine->update(id, engine::CampaignUpdate{.text = "late"}, "alice").ok);
    rig.run_for(bench::kHour * 2);
  }
  const std::string text = log.str();
  ASSERT_NE(text.find("campaign:create:v1:requested"), std::string::npos);
  ASSERT_NE(text.find("campaign:close:v1:success"), std::string::npos) << text;

  // Strict: an unknown type or a bad field would throw here.
  const EventLog parsed = parse_event_log(text, "engine.jsonl", false);
  ReplayOptions options;
  options.identity = text;
  auto result = replay_log(parsed, options);
  ASSERT_TRUE(result.sim);
  EXPECT_EQ(result.exit_code, 0) << result.error;
  // The late update was refused in production and is refused again.
  ASSERT_EQ(result.refusals.size(), 1u);
  EXPECT_EQ(result.refusals[0].type, "campaign:update:v1:requested");
  const auto campaigns = result.sim->reader().campaigns();
  ASSERT_EQ(campaigns.size(), 1u);
  EXPECT_EQ(campaigns[0].id, id);
  EXPECT_EQ(campaigns[0].state, "EXPIRED");
  // Every recorded step happened in the replay too (times may differ: the mocks
  // have latency the production fakes lack).
  for (const auto& d : result.divergences) EXPECT_NE(d.kind, "missing") << d.type << " line " << d.line;
}

}  // namespace
}  // namespace clsim::sim
