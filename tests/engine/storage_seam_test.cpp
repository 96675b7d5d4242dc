// The store seam: an engine gets its database only from the Storage its
// composition root hands it, and keeps retrying while opening fails.
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

// Wraps a file storage: counts opens and fails the first `fail_first` of them.
class FlakyStorage final : public Storage {
 public:
  explicit FlakyStorage(std::string path) : file_(std::move(path)) {}
  std::unique_ptr<SqliteDb> open(bool create) override {
    ++opens;
    if (create) ++creating_opens;
    if (opens <= fail_first) throw StoreError{10, "store: disk I/O error"};
    return file_.open(create);
  }
  int fail_first = 0, opens = 0, creating_opens = 0;

 private:
  SqliteFileStorage file_;
};

TEST(StorageSeam, AnEngineOpensItsStoreOnlyThroughTheStorageItIsGiven) {
  EngineHarness h;
  FlakyStorage storage(h.db_path);
  Engine engine(EnginePorts{h.engine_clock, h.random, h.hooks, h.social, h.ledger, h.bus, h.notifier, storage},
                h.options);
  engine.start();
  EXPECT_EQ(storage.opens, 1);
  EXPECT_EQ(storage.creating_opens, 1);
  auto c = engine.create(h.spec());
  ASSERT_TRUE(c.ok) << c.reason;
  EXPECT_EQ(h.state(c.id), "CREATED") << "the campaign is in the file the storage opened";
}

TEST(StorageSeam, AFailingOpenIsRetriedUntilTheStoreComesBack) {
  EngineHarness h;
  FlakyStorage storage(h.db_path);
  storage.fail_first = 3;
  Engine engine(EnginePorts{h.engine_clock, h.random, h.hooks, h.social, h.ledger, h.bus, h.notifier, storage},
                h.options);
  engine.start();
  EXPECT_FALSE(engine.create(h.spec()).ok) << "no store yet: commands are refused, not lost silently";
  h.run_for(kMinute * 5);
  EXPECT_EQ(storage.opens, 4);
  EXPECT_EQ(h.hooks.count("store_open_failed"), 3);
  EXPECT_EQ(h.hooks.count("engine_started"), 1);
  EXPECT_TRUE(engine.create(h.spec()).ok);
}

}  // namespace
}  // namespace clsim::engine::testing
