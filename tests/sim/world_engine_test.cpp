// world{engine = {...}}: the engines' timing set from a scenario (and from a live
// capture's world line), checked key by key.
#include <gtest/gtest.h>

#include "sim/lua/script_runner.hpp"
#include "sim/replay/replayer.hpp"

namespace clsim::sim {
namespace {

constexpr const char* kCampaign = R"(
local c = campaign { owner = "alice", budget = 100000, duration = hours(1), claim_window = hours(1),
                     rates = { like = 1, retweet = 1, quote = 1, reply = 1 } }
publish(c)
run_for(minutes(3))
)";

// Times (virtual microseconds) at which the engine's poll timer fired.
std::vector<std::int64_t> poll_times(const std::string& world_line) {
  lua::ScriptOptions so;
  so.script_path = "scenarios/world_engine_test.lua";
  so.script_text = world_line + kCampaign;
  std::vector<std::int64_t> fired;
  so.trace_sink = [&](const std::string& line) {
    const auto j = nlohmann::json::parse(line);
    if (j.value("ev", "") == "timer_fired" && j.value("kind", "") == "poll") fired.push_back(j.at("t_us"));
  };
  auto r = lua::run_script(so);
  EXPECT_EQ(r.exit_code, 0) << r.error;
  return fired;
}

TEST(WorldEngine, PollIntervalFromTheWorldTableIsTheEnginesPoll) {
  const auto fast = poll_times("world { engine = { poll_interval = seconds(10) } }\n");
  const auto normal = poll_times("");
  ASSERT_GE(fast.size(), 10u) << "polls every 10 s for 3 minutes";
  // The next poll is armed when a round ends, so the gap is the interval plus the
  // round's own calls (well under a second).
  for (std::size_t i = 1; i < 10; ++i) {
    EXPECT_GE(fast[i] - fast[i - 1], 10'000'000) << "poll " << i;
    EXPECT_LT(fast[i] - fast[i - 1], 11'000'000) << "poll " << i;
  }
  ASSERT_GE(normal.size(), 2u);
  EXPECT_GE(normal[1] - normal[0], 300'000'000) << "the default stays 5 minutes";
  EXPECT_LT(normal[1] - normal[0], 301'000'000);
}

TEST(WorldEngine, UnknownKeyOrOutOfRangeValueIsAnErrorNamingIt) {
  lua::ScriptOptions so;
  so.script_path = "scenarios/world_engine_test.lua";
  so.script_text = "world { engine = { poll = seconds(1) } }\n";
  auto r = lua::run_script(so);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.error.find("world.engine: unknown key 'poll'"), std::string::npos) << r.error;
  so.script_text = "world { engine = { tx_valid = seconds(5) } }\n";
  r = lua::run_script(so);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.error.find("engine.tx_valid_us"), std::string::npos) << r.error;
}

TEST(WorldEngine, AWorldLinesEngineTimingIsAppliedByReplay) {
  const std::string log =
      "{\"type\": \"clsim:world:v1:config\", \"ts_us\": 1735689600000000, \"payload\": {\"seed\": 3, \"world\": "
      "{\"engine\": {\"poll_interval_us\": 7000000}}}}\n"
      "{\"ts_us\": 1735689601000000, \"type\": \"campaign:create:v1:requested\", \"event_id\": \"c\", \"campaign_id\": "
      "\"c-1\", \"payload\": {\"owner\": \"alice\", \"budget\": 1000, \"rates\": {\"like\": 1, \"retweet\": 1, \"quote\": "
      "1, \"reply\": 1}, \"duration_us\": 60000000, \"claim_window_us\": 60000000}}\n"
      "{\"ts_us\": 1735689602000000, \"type\": \"campaign:publish:v1:requested\", \"event_id\": \"p\", \"campaign_id\": "
      "\"c-1\", \"user_id\": \"alice\"}\n";
  std::vector<std::int64_t> fired;
  ReplayOptions o;
  o.identity = log;
  o.trace_sink = [&](const std::string& line) {
    const auto j = nlohmann::json::parse(line);
    if (j.value("ev", "") == "timer_fired" && j.value("kind", "") == "poll") fired.push_back(j.at("t_us"));
  };
  auto r = replay_log(parse_event_log(log, "w.jsonl", false), o);
  EXPECT_EQ(r.exit_code, 0) << r.error;
  ASSERT_GE(fired.size(), 3u);
  EXPECT_GE(fired[2] - fired[1], 7'000'000);
  EXPECT_LT(fired[2] - fired[1], 8'000'000);
}

}  // namespace
}  // namespace clsim::sim
