// POST /v1/events group commit in the API: requests handled before the queued
// flush runs reach the engine as one batch, one transaction (one WAL sync on the
// simulated disk), and each still gets its own answer. In process: the engine on
// the engine tests' fakes and sim::SimDisk, the API on an io_context, no sockets.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/live/service/api.hpp"
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

namespace clsim::live {
namespace {

struct ApiRig {
  ApiRig()
      : scheduler(1, engine::from_us(engine::kDefaultStartUs), trace),
        world_clock(scheduler, 0),
        engine_clock(scheduler, 1),
        random(sim::Prng::stream(1, "engine")),
        disk_random(sim::Prng::stream(1, "disk.sqlite")),
        disk_faults(sim::Prng::stream(1, "disk.faults")),
        disk([this] { return scheduler.now(); }, disk_random, disk_faults, counter),
        storage(disk, "api.db"),
        social(engine_clock),
        ledger(engine_clock, world_clock),
        bus(engine_clock) {
    engine = std::make_unique<engine::Engine>(
        engine::EnginePorts{engine_clock, random, hooks, social, ledger, bus, notifier, storage}, engine::EngineOptions{});
    engine->start();
    reader = std::make_unique<engine::StoreReader>(storage);
    hub = std::make_unique<WsHub>(io, [](const std::string&, std::int64_t) { return std::vector<engine::StateUpdate>{}; },
                                  &metrics);
    api = std::make_unique<Api>(ApiContext{io, *engine, *reader, metrics, *hub, "", nullptr, nullptr});
  }
  ~ApiRig() {
    api.reset();
    hub.reset();
    reader.reset();
    engine.reset();  // connections close before the disk goes
  }

  std::uint64_t wal_syncs() const {
    const auto st = disk.stats("api.db-wal");
    return st ? st->syncs : 0;
  }

  void post_event(const nlohmann::json& body, std::vector<HttpResponse>& answers) {
    HttpRequest req{http::verb::post, "/v1/events", 11};
    req.body() = body.dump();
    req.prepare_payload();
    api->handle(req, [&answers](HttpResponse res) { answers.push_back(std::move(res)); });
  }

  sim::Trace trace;
  sim::Scheduler scheduler;
  sim::SimClock world_clock, engine_clock;
  sim::Prng random, disk_random, disk_faults;
  mocks::FaultCounter counter;
  sim::SimDisk disk;
  sim::SimDiskStorage storage;
  engine::testing::FakeHooks hooks;
  engine::testing::FakeSocial social;
  engine::testing::FakeLedger ledger;
  engine::testing::FakeBus bus;
  engine::testing::FakeNotifier notifier;
  std::unique_ptr<engine::Engine> engine;
  boost::asio::io_context io;
  Metrics metrics;
  std::unique_ptr<engine::StoreReader> reader;
  std::unique_ptr<WsHub> hub;
  std::unique_ptr<Api> api;
};

nlohmann::json purchase(const std::string& id) {
  return {{"event_id", id}, {"type", "purchase"}, {"user_id", "bob"}, {"data", {{"amount", 75}}}};
}

TEST(ApiEventsBatch, EventsPostedTogetherShareOneTransactionAndEachGetsItsAnswer) {
  ApiRig rig;
  std::vector<HttpResponse> answers;
  for (int i = 0; i < 10; ++i) rig.post_event(purchase("e-" + std::to_string(i)), answers);
  rig.post_event(purchase("e-3"), answers);  // a repeat inside the batch
  rig.post_event({{"event_id", "e-x"}, {"type", "purchase"}}, answers);  // no user_id: refused alone
  EXPECT_EQ(answers.size(), 1u) << "only the malformed one is answered before the flush";
  const auto before = rig.wal_syncs();
  rig.io.run();
  EXPECT_EQ(rig.wal_syncs() - before, 1u) << "eleven requests, one commit";
  ASSERT_EQ(answers.size(), 12u);
  EXPECT_EQ(answers[0].result(), http::status::bad_request);
  for (int i = 1; i <= 10; ++i) EXPECT_EQ(answers[std::size_t(i)].result(), http::status::accepted) << i;
  EXPECT_EQ(answers[11].result(), http::status::ok);
  EXPECT_NE(answers[11].body().find("\"duplicate\":true"), std::string::npos) << answers[11].body();
  EXPECT_EQ(rig.reader->customer_events().size(), 10u);
}

TEST(ApiEventsBatch, EventsPostedAfterAFlushGoInTheNextOne) {
  ApiRig rig;
  std::vector<HttpResponse> answers;
  rig.post_event(purchase("e-1"), answers);
  rig.io.run();
  rig.io.restart();
  const auto before = rig.wal_syncs();
  rig.post_event(purchase("e-2"), answers);
  rig.post_event(purchase("e-3"), answers);
  rig.io.run();
  EXPECT_EQ(rig.wal_syncs() - before, 1u);
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& a : answers) EXPECT_EQ(a.result(), http::status::accepted);
}

}  // namespace
}  // namespace clsim::live
