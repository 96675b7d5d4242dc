// What the serve-kill and two-serve fault tests share: a world of redis-server and
// clsim mockd that stay up while `clsim serve` processes come and go (kill -9,
// restart on the same database and name), a seeded kill plan printed for
// reproduction, a workload driver that retries each command until serve accepts
// or refuses it, and the end checks read from the outside world (mockd's tweets,
// ledger and balances), not only from what the engine says of itself.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/child_process.hpp"
#include "live/sync_http.hpp"

namespace clsim::live_faults {

using live_test::ChildProcess;
using live_test::RedisServer;
using live_test::SyncResponse;
using live_test::TempDir;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

inline constexpr long long kStartingBalance = 1'000'000'000'000;  // mockd's default per account
inline constexpr const char* kToken = "fault-token";

// redis-server and mockd (audience off: the driver engages), up for the whole test,
// and any number of named serves on one database, each restartable.
class FaultWorld {
 public:
  // `timing`: serve --timing KEY=US pairs, e.g. {"resume_after_us", 1000000}.
  // CLSIM_FAULT_KEEP=DIR keeps the logs, captures and database there (a new or
  // empty DIR) instead of a temporary directory, to look into a failure.
  explicit FaultWorld(std::vector<std::pair<std::string, long long>> timing);
  ~FaultWorld();  // every serve, mockd, redis-server: each stopped by its pid

  int mockd_port() const { return mockd_port_; }
  const TempDir& dir() const { return dir_; }
  std::string db_path() const { return dir_.file("campaigns.db"); }
  // Each serve appends its live capture here, across its restarts.
  std::string capture_path(const std::string& name) const { return dir_.file("capture-" + name + ".jsonl"); }
  // Starts serve NAME (not running) and waits, bounded, for its port file; throws
  // std::runtime_error with its log when it does not come up.
  void start_serve(const std::string& name);
  void kill_serve(const std::string& name);  // SIGKILL to its group, reaped
  void stop_serve(const std::string& name);  // SIGTERM (an orderly end)
  int port(const std::string& name) const;   // 0 while it is down
  // Non-empty (with the log's tail) when serve NAME exited without being killed:
  // an engine assertion (exit 3) or a crash, which the caller must report.
  std::string died_on_its_own(const std::string& name);
  std::string log_tails() const;
  // Where the files are (printed on failure when CLSIM_FAULT_KEEP keeps them).
  std::string where() const;
  json mock_state() const;
  // Mirror entries carrying `memo` (mockd's GET /api/v1/transactions?memo=).
  int ledger_entries(const std::string& memo) const;

 private:
  struct Serve {
    std::unique_ptr<ChildProcess> process;
    int port = 0;
    int incarnation = 0;
  };
  std::vector<std::pair<std::string, long long>> timing_;
  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ChildProcess> mockd_;
  int mockd_port_ = 0;
  std::map<std::string, Serve> serves_;
};

// CLSIM_FAULT_SEED when set (decimal), else `fallback`.
std::uint64_t fault_seed(std::uint64_t fallback);

// When to kill: each kill comes `up_ms` after the previous start and serve stays
// down `down_ms` before its restart. Drawn from the seed alone.
struct Kill {
  int up_ms = 0, down_ms = 0;
};
std::vector<Kill> draw_kills(std::uint64_t seed, int count, int up_min_ms, int up_max_ms, int down_max_ms);
std::string describe(std::uint64_t seed, const std::vector<Kill>& kills);

// Carries out a kill plan on serve NAME (already started): kill -9 `up_ms` after
// each start, a restart on the same database and name `down_ms` later; serve
// stays up after the last. The kills come from a thread of their own, so one can
// land while the driver has a request in flight; the restarts are made by the
// test's thread in restart_if_due(), because a child started from a thread that
// then ends would get PR_SET_PDEATHSIG with that thread. While the plan runs only
// this object touches serve NAME in the world; read its port here.
class KillLoop {
 public:
  KillLoop(FaultWorld& world, std::string name, std::vector<Kill> kills);
  ~KillLoop();  // stop()
  void stop();   // ends the plan early if still running and joins; serve NAME is the world's again
  // Called by the test's thread every round: starts serve again once its down
  // time is over (blocks until it listens, a fraction of a second).
  void restart_if_due();
  int port() const { return port_.load(); }  // 0 while serve is down
  std::size_t kills_done() const { return kills_done_.load(); }
  bool done() const { return done_.load(); }  // the plan is through, or it failed
  std::string failure() const;                // serve exited on its own or did not restart

 private:
  void run();
  FaultWorld& world_;
  std::string name_;
  std::vector<Kill> kills_;
  std::atomic<bool> stop_{false}, done_{false}, restart_due_{false};
  std::atomic<int> port_{0};
  std::atomic<std::size_t> kills_done_{0};
  mutable std::mutex mutex_;
  std::string failure_;
  std::thread thread_;
};

// One social campaign of the workload.
struct CampaignPlan {
  std::string id, owner;
  long long budget = 0;
  long long duration_us = 0, claim_window_us = 0;
  int create_at_ms = 0, publish_at_ms = 0;
  std::vector<std::pair<std::string, std::string>> engagements;  // (user, kind) once its first tweet is up
  bool fails = false;  // the budget is over the owner's balance: the publish ends FAILED
};
// `count` campaigns (the last `failing` of them by an owner who cannot pay),
// durations 8-15 s, created 0.2 s apart, published from 3 s on, 0.6 s apart.
std::vector<CampaignPlan> make_plans(int count, int failing, long long claim_window_us);

// Feeds the plans to whichever serve `port_for` names (0: none up right now),
// engages on mockd once a campaign's first tweet is there, claims for all but one
// rewarded user once a campaign is in REWARD_CLAIM, and keeps each command until
// serve accepts (2xx) or refuses it: no answer or 503 is tried again (bounded).
class Driver {
 public:
  Driver(FaultWorld& world, std::vector<CampaignPlan> plans, std::function<int(int attempt)> port_for);
  void tick(Clock::time_point start);  // one round; never blocks for long
  bool finished() const;               // every campaign EXPIRED or FAILED, nothing pending
  const std::vector<CampaignPlan>& plans() const { return plans_; }
  const std::map<std::string, std::string>& states() const { return states_; }
  // Claims serve answered 200 to: each must end paid, once.
  const std::set<std::pair<std::string, std::string>>& accepted_claims() const { return accepted_claims_; }
  // How the retry path was exercised: attempts held while no serve was up, sent
  // but unanswered (serve died under them), answered 503, claims before the window.
  std::string retry_summary() const;
  std::vector<std::string> problems() const { return problems_; }
  // The unfinished campaigns as serve shows them (GET /v1/campaigns/{id}), for a failure message.
  std::string unfinished() const;  // commands given up on, refusals not expected

 private:
  struct Command {
    std::string kind, campaign, user, method, target;
    json body;
    Clock::time_point next_try{}, first_try{};
    bool unknown_outcome = false;  // an earlier attempt got no answer: it may have been applied
  };
  void send(Command& c, bool& done);
  void refresh_states();
  void engage_and_claim();
  FaultWorld& world_;
  std::vector<CampaignPlan> plans_;
  std::function<int(int)> port_for_;
  std::vector<Command> pending_;
  std::set<std::string> queued_creates_, engaged_, claims_queued_;
  std::map<std::string, std::string> states_;
  std::set<std::pair<std::string, std::string>> accepted_claims_;
  std::vector<std::string> problems_;
  Clock::time_point next_refresh_{};
  int attempts_ = 0, held_ = 0, unanswered_ = 0, busy_ = 0, early_ = 0;
};

// The outside world's verdict, one line per broken promise (empty: all kept):
// EXPIRED with its two tweets, or FAILED with a full refund and no second tweet;
// each payment once on the ledger (every memo at most once, exactly once when it
// paid); every accepted claim paid; balances as the campaigns say and adding up
// to what was minted. `campaigns` are serve's GET /v1/campaigns/{id} answers.
std::vector<std::string> check_outcome(const FaultWorld& world, const std::vector<CampaignPlan>& plans,
                                       const std::map<std::string, json>& campaigns,
                                       const std::set<std::pair<std::string, std::string>>& accepted_claims);

// GET with the bearer token on serve's port; status 0 when it is down.
SyncResponse serve_get(int port, const std::string& target);
SyncResponse serve_send(int port, const std::string& method, const std::string& target, const json& body);

}  // namespace clsim::live_faults
