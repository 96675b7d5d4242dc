// The update_sequence invariant: a state update a client was sent must be the
// store's update of that number, and a number must never carry two states.
#include <gtest/gtest.h>

#include "tests/sim/script_text.hpp"
#include "sim/world/invariant_checker.hpp"

namespace clsim::sim {
namespace {

const char* kHappy = R"(
world { accounts = { alice = 10000000 } }
local c = campaign { owner = "alice", budget = 1000000, duration = hours(2), claim_window = hours(2),
                     rates = { like = 100, retweet = 300, quote = 500, reply = 200 }, text = "Launch day" }
publish(c)
run_until_quiet()
)";

std::unique_ptr<Simulation> run_happy() {
  auto r = testing::run_script_text(kHappy);
  EXPECT_EQ(r.exit_code, 0) << r.error;
  return std::move(r.sim);
}

std::vector<std::string> messages(World& w, const std::string& invariant) {
  std::vector<std::string> out;
  for (const auto& v : w.violations())
    if (v.invariant == invariant) out.push_back(v.message);
  return out;
}

TEST(UpdateSequence, AnEngineRunHasGaplessNumbersThatMatchWhatWasSent) {
  auto sim = run_happy();
  ASSERT_TRUE(sim);
  EXPECT_FALSE(sim->hub().sent_states().empty());
  EXPECT_TRUE(messages(sim->world(), "update_sequence").empty());
}

TEST(UpdateSequence, AnUpdateSentButNotInTheStoreIsAViolation) {
  auto sim = run_happy();
  ASSERT_TRUE(sim);
  const std::int64_t last = sim->hub().latest().at("c-1").seq;
  sim->hub().publish(engine::StateUpdate{"c-1", last + 1, "RUNNING", {}, sim->world().now()});
  sim->invariants().final_check(true);
  const auto found = messages(sim->world(), "update_sequence");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "c-1 seq " + std::to_string(last + 1) + " was sent as RUNNING but the store has no such update");
}

TEST(UpdateSequence, ANumberSentWithAnotherStateIsAViolationAtOnce) {
  auto sim = run_happy();
  ASSERT_TRUE(sim);
  sim->hub().publish(engine::StateUpdate{"c-1", 1, "FAILED", {}, sim->world().now()});
  sim->invariants().after_event();
  const auto found = messages(sim->world(), "update_sequence");
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].find("c-1 seq 1 was sent as CREATED and as FAILED"), std::string::npos) << found[0];
}

}  // namespace
}  // namespace clsim::sim
