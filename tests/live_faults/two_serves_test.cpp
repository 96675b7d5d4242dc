// Two `clsim serve` processes (names "steady" and "crashy") on one database file
// and one Redis, as a deployment of two replicas runs: crashy is killed with -9
// again and again at seeded moments and restarted each time, steady stays up.
// Both fire every timer and read the shared stream, so the leases (timer, tweet
// step, payment) are all that keeps them from doing one thing twice; the leases
// are scaled down so steady takes over a dead crashy's work within the test.
// That a second live holder of one name is refused (exit 2) is
// ServeCli.ASecondLiveHolderOfANameIsRefusedUntilTheFirstDies (tests/live/serve_test.cpp).
#include <sqlite3.h>

#include <fstream>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "live_faults/kill_run.hpp"
#include "live_faults/serve_kill_support.hpp"

namespace clsim::live_faults {
namespace {

using namespace std::chrono_literals;

// How often each campaign entered each state, by `sql` (two columns: campaign, state).
std::map<std::pair<std::string, std::string>, int> count_rows(const std::string& db_path, const std::string& sql) {
  std::map<std::pair<std::string, std::string>, int> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(q) == SQLITE_ROW)
      ++out[{reinterpret_cast<const char*>(sqlite3_column_text(q, 0)),
             reinterpret_cast<const char*>(sqlite3_column_text(q, 1))}];
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return out;
}

// The outcomes (campaign:*:v1:success, not commands) each serve's capture holds,
// keyed "campaign type user": a step, close, claim, refund or return one engine
// committed. A kill can cut the line of the last one, never make one appear twice.
std::map<std::string, int> outcomes(const std::string& capture_path) {
  std::map<std::string, int> out;
  std::ifstream in(capture_path);
  for (std::string line; std::getline(in, line);) {
    const auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) continue;  // a line cut by the kill
    const std::string type = j.value("type", ""), id = j.value("event_id", "");
    if (type.rfind("campaign:", 0) != 0 || id.find(":cmd-") != std::string::npos) continue;
    if (type.size() < 8 || type.compare(type.size() - 8, 8, ":success") != 0) continue;
    ++out[j.value("campaign_id", "") + " " + type + " " + j.value("user_id", "")];
  }
  return out;
}

TEST(TwoServes, OneKilledAgainAndAgainBesideASteadyOneEveryTimerFiresOnceNothingRepeats) {
  const auto seed = fault_seed(20261207);
  const auto kills = draw_kills(seed, 30, 500, 2500, 800);
  const std::string plan = describe(seed, kills);
  std::cout << plan << std::endl;
  // Leases of a few seconds (well above one outside call, below the campaigns'
  // durations): a lease crashy held when it died expires soon, and steady takes
  // the timer, tweet step or payment over; bus entries crashy held come back
  // through claim_stale.
  FaultWorld world({{"resume_after_us", 1'000'000},
                    {"heartbeat_interval_us", 1'000'000},
                    {"timer_lease_us", 3'000'000},
                    {"tweet_lease_us", 5'000'000},
                    {"payment_lease_us", 5'000'000},
                    {"claim_stale_us", 3'000'000},
                    {"claim_stale_at_start_us", 500'000},
                    {"expiry_recheck_us", 1'000'000},
                    {"tx_valid_us", 15'000'000}});
  world.start_serve("steady");
  world.start_serve("crashy");
  KillLoop killer(world, "crashy", kills);
  // Commands alternate between the two while crashy is up (either may take one).
  Driver driver(world, make_plans(10, 1, 20'000'000), [&](int attempt) {
    const int crashy = killer.port();
    return attempt % 2 && crashy ? crashy : world.port("steady");
  });

  const auto start = Clock::now();
  const KillRun run =
      drive_under_kills(killer, driver, start, 200s, [&] { return world.died_on_its_own("steady"); });
  ASSERT_NO_FATAL_FAILURE(check_kill_run(run, killer, kills.size(), driver, world, plan, 200));

  std::map<std::string, json> campaigns;
  for (const auto& p : driver.plans())
    campaigns[p.id] = serve_get(world.port("steady"), "/v1/campaigns/" + p.id).json();
  for (const auto& b : check_outcome(world, driver.plans(), campaigns, driver.accepted_claims()))
    ADD_FAILURE() << plan << "\n" << b;
  EXPECT_FALSE(driver.accepted_claims().empty()) << "no claim was paid while crashy was being killed";

  // The close and expiry timers fired once each: a campaign entered CLOSED,
  // REWARD_CLAIM and EXPIRED once (the transitions table), and its dashboard saw
  // each of those states once (the state updates; a second firing that saved the
  // campaign again would add an update).
  world.stop_serve("crashy");
  world.stop_serve("steady");
  const auto moves = count_rows(world.db_path(), "SELECT campaign_id, to_state FROM transitions");
  const auto updates = count_rows(world.db_path(), "SELECT campaign_id, state FROM state_updates");
  for (const auto& p : driver.plans()) {
    if (p.fails) continue;
    for (const char* state : {"CLOSED", "REWARD_CLAIM", "EXPIRED"}) {
      const auto key = std::make_pair(p.id, std::string(state));
      EXPECT_EQ(moves.count(key) ? moves.at(key) : 0, 1) << plan << "\n" << p.id << " entered " << state;
      EXPECT_EQ(updates.count(key) ? updates.at(key) : 0, 1) << plan << "\n" << p.id << " updates in " << state;
    }
  }
  // Across both engines' captures every outcome is committed once; and crashy did
  // its share of the work (the test is about two engines, not one and a bystander).
  const auto steady_outcomes = outcomes(world.capture_path("steady")), crashy_outcomes = outcomes(world.capture_path("crashy"));
  int crashy_total = 0, steady_total = 0;
  for (const auto& [key, n] : crashy_outcomes) crashy_total += n;
  for (const auto& [key, n] : steady_outcomes) steady_total += n;
  std::map<std::string, int> both = steady_outcomes;
  for (const auto& [key, n] : crashy_outcomes) both[key] += n;
  for (const auto& [key, n] : both) EXPECT_EQ(n, 1) << plan << "\nthe outcome " << key << " was committed " << n << " times";
  EXPECT_GT(crashy_total, 0) << "crashy never committed an outcome";
  std::cout << "outcomes committed: steady " << steady_total << ", crashy " << crashy_total
            << std::endl;
  if (HasFailure()) std::cout << world.log_tails() << world.where() << std::endl;
}

}  // namespace
}  // namespace clsim::live_faults
