// The engine's capture sink: what a production engine appends for an incident
// log. Commands as received (refused ones too), then the outcomes they commit,
// each with the engine's virtual time, in the capture format.
#include <sstream>

#include "engine/adapters/jsonl_capture.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

class RecordingSink final : public CaptureSink {
 public:
  void world(std::int64_t, std::uint64_t, const nlohmann::ordered_json&) override {}
  void append(const CaptureRecord& r) override { records.push_back(r); }
  std::vector<CaptureRecord> records;
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.type);
    return out;
  }
};

TEST(EngineCapture, CommandsComeBeforeTheOutcomesTheyCommit) {
  EngineHarness h;
  RecordingSink sink;
  h.options.capture = &sink;
  h.start_engine();
  auto spec = h.spec();
  auto created = h.engine->create(spec);
  ASSERT_TRUE(created.ok);
  ASSERT_TRUE(h.engine->publish(created.id, spec.owner).ok);
  h.run_for(kMinute * 5);

  ASSERT_GE(sink.records.size(), 4u);
  EXPECT_EQ(sink.records[0].type, "campaign:create:v1:requested");
  EXPECT_EQ(sink.records[0].campaign_id, created.id);
  EXPECT_EQ(sink.records[0].payload["owner"], spec.owner);
  EXPECT_EQ(sink.records[0].payload["budget"], spec.budget.minor);
  EXPECT_EQ(sink.records[0].payload["duration_us"], to_us(spec.duration));
  EXPECT_EQ(sink.records[1].type, "campaign:publish:v1:requested");
  EXPECT_EQ(sink.records[1].user_id, spec.owner);
  // The saga's steps follow as recorded outcomes, each naming the campaign.
  const auto types = sink.types();
  for (const char* step : {"campaign:first_tweet:v1:requested", "campaign:contract:v1:requested",
                           "campaign:second_tweet:v1:requested"})
    EXPECT_NE(std::find(types.begin(), types.end(), step), types.end()) << step;
  for (std::size_t i = 2; i < sink.records.size(); ++i) {
    EXPECT_EQ(sink.records[i].campaign_id, created.id) << sink.records[i].type;
    EXPECT_GE(sink.records[i].ts_us, sink.records[i - 1].ts_us) << "time order at record " << i;
  }
}

TEST(EngineCapture, RefusedCommandsAreCapturedAsReceivedWithDistinctIds) {
  EngineHarness h;
  RecordingSink sink;
  h.options.capture = &sink;
  h.start_engine();
  auto created = h.engine->create(h.spec());
  ASSERT_TRUE(created.ok);
  EXPECT_FALSE(h.engine->publish(created.id, "mallory").ok);
  EXPECT_FALSE(h.engine->claim(created.id, "u-1").ok);

  ASSERT_EQ(sink.records.size(), 3u);
  EXPECT_EQ(sink.records[1].user_id, "mallory");
  EXPECT_EQ(sink.records[2].type, "campaign:claim:v1:requested");
  EXPECT_NE(sink.records[1].event_id, sink.records[2].event_id);
}

TEST(EngineCapture, WithoutASinkNothingChanges) {
  EngineHarness h;
  h.start_engine();
  auto created = h.engine->create(h.spec());
  ASSERT_TRUE(created.ok);
  EXPECT_TRUE(h.engine->publish(created.id, h.spec().owner).ok);
}

TEST(JsonlCapture, WritesOneObjectALineWithFieldsInContractOrder) {
  std::ostringstream out;
  JsonlCaptureWriter w(out);
  CaptureRecord r;
  r.ts_us = 5;
  r.type = "campaign:claim:v1:requested";
  r.event_id = "e-1";
  r.campaign_id = "c-1";
  r.user_id = "u-1";
  w.append(r);
  EXPECT_EQ(out.str(),
            R"({"ts_us":5,"type":"campaign:claim:v1:requested","event_id":"e-1","campaign_id":"c-1","user_id":"u-1"})"
            "\n");
}

}  // namespace
}  // namespace clsim::engine::testing
