// Test harness for the engine: one engine on a temp-file SQLite store, fakes for
// every port on the virtual-time scheduler, crash and restart (a CrashSignal from
// a crash point destroys the engine, drops its pending events and starts a new
// one on the same file), and the money checks every test ends with.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "engine/adapters/sqlite_file_storage.hpp"
#include "engine/engine.hpp"
#include "engine/queries.hpp"
#include "fakes/fake_bus.hpp"
#include "fakes/fake_hooks.hpp"
#include "fakes/fake_ledger.hpp"
#include "fakes/fake_notifier.hpp"
#include "fakes/fake_social.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/runtime/scheduler.hpp"
#include "sim/runtime/trace.hpp"

namespace clsim::engine::testing {

inline constexpr Duration kSecond = Duration(1'000'000);
inline constexpr Duration kMinute = kSecond * 60;
inline constexpr Duration kHour = kMinute * 60;

// tmpfs when there is one: synchronous=FULL makes every commit an fsync, which
// costs milliseconds on a real disk and nothing in memory.
inline std::string temp_dir() {
  if (FILE* f = std::fopen("/dev/shm/.clsim_probe", "w")) {
    std::fclose(f);
    std::remove("/dev/shm/.clsim_probe");
    return "/dev/shm/";
  }
  return ::testing::TempDir();
}

class EngineHarness {
 public:
  explicit EngineHarness(std::uint64_t seed = 1)
      : scheduler(seed, from_us(kDefaultStartUs), trace),
        world_clock(scheduler, 0),
        engine_clock(scheduler, 1),
        random(sim::Prng::stream(seed, "engine")),
        social(engine_clock),
        ledger(engine_clock, world_clock),
        bus(engine_clock) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "clsim_engine_" + std::to_string(::getpid()) + "_" +
                       (info ? std::string(info->test_suite_name()) + "_" + info->name() : std::string("x"));
    for (char& ch : name)
      if (ch == '/') ch = '_';  // parameterised test names carry slashes
    db_path = temp_dir() + name + ".db";
    storage = SqliteFileStorage(db_path);
    remove_files();
    scheduler.set_exception_handler([this](int, std::exception_ptr e) {
      try {
        std::rethrow_exception(e);
      } catch (const CrashSignal& c) {
        crashes.push_back(c.point);
        crash();
        world_clock.start_wait(restart_after, TimerKind::foreground, "restart",
                               [this](boost::system::error_code ec) {
                                 if (!ec) start_engine();
                               });
      } catch (const AssertionFailure& a) {
        ADD_FAILURE() << a.message;
      }
    });
  }

  ~EngineHarness() {
    engine.reset();
    remove_files();
  }

  void start_engine() {
    engine = std::make_unique<Engine>(EnginePorts{*clock, random, hooks, social, ledger, bus, notifier, storage}, options);
    engine->start();
  }

  // A process crash: the engine object and everything it had scheduled are gone.
  void crash() {
    engine.reset();
    bus.drop_consumer();
    scheduler.crash_owner(1);
  }

  void run_for(Duration d) { scheduler.run_until(scheduler.now() + d); }
  bool run_until_quiet(Duration limit = kHour * 24 * 30) { return scheduler.run_until_quiet(scheduler.now() + limit); }

  CampaignSpec spec(const std::string& owner = "alice", std::int64_t budget = 10'000) {
    CampaignSpec s;
    s.owner = owner;
    s.budget = Money(budget);
    s.rates = Rates{Money(100), Money(300), Money(500), Money(200)};
    s.duration = kHour;
    s.claim_window = kHour * 2;
    s.text = "Like and retweet to earn";
    return s;
  }

  // Create + publish, then run until RUNNING (or the deadline).
  std::string running_campaign(const CampaignSpec& s) {
    auto c = engine->create(s);
    EXPECT_TRUE(c.ok) << c.reason;
    auto p = engine->publish(c.id, s.owner);
    EXPECT_TRUE(p.ok) << p.reason;
    for (int i = 0; i < 600 && state(c.id) != "RUNNING" && state(c.id) != "FAILED"; ++i) run_for(kSecond);
    return c.id;
  }

  std::string state(const std::string& id) {
    auto c = reader().campaign(id);
    return c ? c->state : std::string("?");
  }

  StoreReader& reader() {
    if (!reader_) reader_ = std::make_unique<StoreReader>(storage);
    return *reader_;
  }

  // The money equation for every campaign, and the ledger's books against the store's.
  void check_money() {
    EXPECT_EQ(ledger.total(), ledger.minted()) << "the ledger created or destroyed money";
    for (const auto& c : reader().campaigns()) {
      const std::int64_t escrow = ledger.balance("escrow:" + c.id);
      if (c.contract_done) {
        EXPECT_EQ(c.budget.minor, (c.claimed + c.refunded + c.returned + c.claimable + c.in_flight).minor)
            << "budget != claimed + refunded + returned + claimable + in flight for " << c.id;
        EXPECT_EQ(escrow, (c.escrowed - c.claimed - c.refunded - c.returned).minor)
            << "escrow balance disagrees with the store for " << c.id;
      } else {
        EXPECT_EQ(escrow, 0) << c.id << " has money in escrow without a recorded contract";
      }
      if (c.state == "EXPIRED" || c.state == "FAILED") {
        EXPECT_EQ(escrow, 0) << c.id << " ended with escrow left";
      }
      if (c.state == "FAILED") {
        EXPECT_EQ(c.refunded, c.escrowed) << c.id;
      }
    }
    EXPECT_TRUE(hooks.assertions.empty()) << hooks.assertions.front();
  }

  sim::Trace trace;
  sim::Scheduler scheduler;
  sim::SimClock world_clock, engine_clock;
  Clock* clock = &engine_clock;  // the engine's; a test may wrap engine_clock
  sim::Prng random;
  FakeHooks hooks;
  FakeSocial social;
  FakeLedger ledger;
  FakeBus bus;
  FakeNotifier notifier;
  EngineOptions options;
  std::string db_path;
  SqliteFileStorage storage{""};  // set to db_path in the constructor
  std::unique_ptr<Engine> engine;
  std::vector<std::string> crashes;
  Duration restart_after = kSecond;

 private:
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_path + suffix).c_str());
  }
  std::unique_ptr<StoreReader> reader_;
};

}  // namespace clsim::engine::testing
