// One engine on the virtual-time scheduler with the engine tests' fakes for every
// port (tests/engine/fakes), its database on a real file or on sim::SimDisk. The
// same wiring as tests/engine/engine_harness.hpp without GoogleTest, so a
// benchmark measures the engine and SQLite, not the mock services' models.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>

#include "bench/bench_support.hpp"
#include "engine/adapters/sqlite_file_storage.hpp"
#include "engine/engine.hpp"
#include "mocks/fault_counter.hpp"
#include "sim/disk/sim_disk.hpp"
#include "sim/disk/sim_disk_storage.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/runtime/scheduler.hpp"
#include "sim/runtime/trace.hpp"
#include "tests/engine/fakes/fake_bus.hpp"
#include "tests/engine/fakes/fake_hooks.hpp"
#include "tests/engine/fakes/fake_ledger.hpp"
#include "tests/engine/fakes/fake_notifier.hpp"
#include "tests/engine/fakes/fake_social.hpp"

namespace clsim::bench {

class EngineRig {
 public:
  explicit EngineRig(DiskKind disk, std::uint64_t seed = 1)
      : scheduler(seed, engine::from_us(engine::kDefaultStartUs), trace),
        world_clock(scheduler, 0),
        engine_clock(scheduler, 1),
        random(sim::Prng::stream(seed, "engine")),
        disk_random_(sim::Prng::stream(seed, "disk.sqlite")),
        disk_faults_(sim::Prng::stream(seed, "disk.faults")),
        social(engine_clock),
        ledger(engine_clock, world_clock),
        bus(engine_clock) {
    if (disk == DiskKind::sim_disk) {
      disk_ = std::make_unique<sim::SimDisk>([this] { return scheduler.now(); }, disk_random_, disk_faults_,
                                             counter_);
      storage_ = std::make_unique<sim::SimDiskStorage>(*disk_, "bench.db");
    } else {
      file_path_ = fresh_db_path(disk, "engine");
      storage_ = std::make_unique<engine::SqliteFileStorage>(file_path_);
    }
    scheduler.set_exception_handler([](int owner, std::exception_ptr) {
      throw std::runtime_error("engine " + std::to_string(owner) + " threw during a benchmark");
    });
  }

  ~EngineRig() {
    engine.reset();  // connections close before the disk unregisters its VFS
    if (!file_path_.empty()) remove_db_files(file_path_);
  }

  EngineRig(const EngineRig&) = delete;
  EngineRig& operator=(const EngineRig&) = delete;

  void start() {
    engine = std::make_unique<engine::Engine>(
        engine::EnginePorts{engine_clock, random, hooks, social, ledger, bus, notifier, *storage_}, options);
    engine->start();
  }

  void run_for(engine::Duration d) { scheduler.run_until(scheduler.now() + d); }
  engine::Storage& storage() { return *storage_; }

  // Create + publish with the fakes' ids; throws when the engine refuses.
  std::string publish_campaign(const std::string& owner, std::int64_t budget, engine::Duration duration) {
    engine::CampaignSpec s;
    s.owner = owner;
    s.budget = engine::Money(budget);
    s.rates = engine::Rates{engine::Money(1), engine::Money(3), engine::Money(5), engine::Money(2)};
    s.duration = duration;
    s.claim_window = kHour;
    s.text = "Benchmark campaign of " + owner;
    auto c = engine->create(s);
    if (!c.ok) throw std::runtime_error("create refused: " + c.reason);
    auto p = engine->publish(c.id, owner);
    if (!p.ok) throw std::runtime_error("publish refused: " + p.reason);
    return c.id;
  }

  sim::Trace trace;
  sim::Scheduler scheduler;
  sim::SimClock world_clock, engine_clock;
  sim::Prng random;

 private:
  sim::Prng disk_random_, disk_faults_;
  mocks::FaultCounter counter_;
  std::unique_ptr<sim::SimDisk> disk_;
  std::unique_ptr<engine::Storage> storage_;
  std::string file_path_;

 public:
  engine::testing::FakeHooks hooks;
  engine::testing::FakeSocial social;
  engine::testing::FakeLedger ledger;
  engine::testing::FakeBus bus;
  engine::testing::FakeNotifier notifier;
  engine::EngineOptions options;
  std::unique_ptr<engine::Engine> engine;
};

}  // namespace clsim::bench
