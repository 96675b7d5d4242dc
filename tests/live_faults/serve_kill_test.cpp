// kill -9 of `clsim serve` at 50 moments drawn from a seed, while 20 social
// campaigns publish, run, close, pay claims and expire; each time serve restarts
// on the same database under the same name. What a supervisor restarting a
// crashed service relies on: nothing the engine promised is lost or done twice.
// The seed and the kill moments are printed; CLSIM_FAULT_SEED=N runs another plan.
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "live/ws_test_client.hpp"
#include "live_faults/kill_run.hpp"
#include "live_faults/serve_kill_support.hpp"

namespace clsim::live_faults {
namespace {

using namespace std::chrono_literals;
using live_test::WsTestClient;

// One campaign's state updates over WebSocket connections that die with serve:
// after every restart it reconnects with `since` = the last seq it saw, and every
// frame must be that seq + 1 (no gap, no repeat), whatever connection brings it.
struct UpdateWatch {
  std::string campaign;
  std::unique_ptr<WsTestClient> client;
  int connected_to = 0, last_seq = 0, connections = 0;
  std::string last_state;
  std::vector<std::string> errors;

  void pump(int port) {
    if (client && (client->closed() || connected_to != port)) client.reset();
    if (!client && port != 0) {
      try {
        client = std::make_unique<WsTestClient>(
            port, "/v1/ws?campaign=" + campaign + "&since=" + std::to_string(last_seq), 1s);
        connected_to = port;
        ++connections;
      } catch (const std::runtime_error&) {
        return;  // serve is still coming up, or just died: next round
      }
    }
    for (int i = 0; client && i < 50; ++i) {
      const auto frame = client->read(1ms);
      if (!frame) break;
      const auto j = json::parse(*frame, nullptr, false);
      const int seq = j.is_object() ? j.value("seq", -1) : -1;
      if (seq < 0 || j.value("campaign_id", "") != campaign || seq != last_seq + 1)
        errors.push_back(campaign + ": frame " + *frame + " after seq " + std::to_string(last_seq) +
                         " (connection " + std::to_string(connections) + ")");
      if (seq < 0) continue;
      last_seq = seq;
      last_state = j.value("state", "");
    }
  }
};

TEST(ServeKill, FiftyKillsDuringTwentyCampaignsLoseNothingAndRepeatNothing) {
  const auto seed = fault_seed(20261206);
  // Up 0.3-2 s after each start (recovery included), down up to 0.6 s.
  const auto kills = draw_kills(seed, 50, 300, 2000, 600);
  const std::string plan = describe(seed, kills);
  std::cout << plan << std::endl;
  // The engine's waits scaled to seconds, so a restart resumes its work within the
  // test: resume timers, bus entries left pending by the dead process, the expiry's
  // recheck; transaction ids stay valid only 15 s, so the mirror path runs too.
  FaultWorld world({{"resume_after_us", 1'000'000},
                    {"heartbeat_interval_us", 2'000'000},
                    {"claim_stale_at_start_us", 500'000},
                    {"expiry_recheck_us", 1'000'000},
                    {"tx_valid_us", 15'000'000}});
  const std::string name = "engine-1";
  world.start_serve(name);
  KillLoop killer(world, name, kills);
  Driver driver(world, make_plans(20, 2, 20'000'000), [&](int) { return killer.port(); });
  std::vector<UpdateWatch> watches;
  for (const auto& p : driver.plans()) watches.push_back({p.id});

  const auto start = Clock::now();
  const KillRun run = drive_under_kills(killer, driver, start, 240s, [&] {
    for (auto& w : watches) w.pump(killer.port());
    return std::string();
  });
  ASSERT_NO_FATAL_FAILURE(check_kill_run(run, killer, kills.size(), driver, world, plan, 240));

  // Let the last incarnation recover and deliver what it has, then read every campaign.
  const int port = world.port(name);
  const auto settle = Clock::now() + 5s;
  while (Clock::now() < settle) {
    for (auto& w : watches) w.pump(port);
    std::this_thread::sleep_for(50ms);
  }
  const auto ready_by = Clock::now() + 20s;
  while (serve_get(port, "/readyz").status != 200 && Clock::now() < ready_by) std::this_thread::sleep_for(100ms);
  std::map<std::string, json> campaigns;
  for (const auto& p : driver.plans()) campaigns[p.id] = serve_get(port, "/v1/campaigns/" + p.id).json();
  for (const auto& w : watches) {
    for (const auto& e : w.errors) ADD_FAILURE() << plan << "\n" << e;
    EXPECT_EQ(w.last_state, campaigns[w.campaign].value("state", "?"))
        << plan << "\n" << w.campaign << ": the updates seen end elsewhere than the campaign (seq " << w.last_seq << ")";
    EXPECT_GT(w.connections, 1) << w.campaign << " reconnected after restarts";
  }
  for (const auto& b : check_outcome(world, driver.plans(), campaigns, driver.accepted_claims()))
    ADD_FAILURE() << plan << "\n" << b;
  EXPECT_FALSE(driver.accepted_claims().empty()) << "no claim was paid while serve was being killed";
  if (HasFailure()) std::cout << world.log_tails() << world.where() << std::endl;
}

}  // namespace
}  // namespace clsim::live_faults
