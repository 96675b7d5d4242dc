// Leases over one store shared by two engines: one holder at a time, renewal by the
// holder, takeover only after expiry (a crashed holder), release only by the holder,
// a hold that writes only once half the lease is gone; and migration 8 keeps the
// payment leases an older engine wrote.
#include "engine/saga/leases.hpp"
#include "engine/store/schema.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

// One engine's view of the shared store: its own connection and name.
struct EngineSide {
  EngineSide(EngineHarness& h, const std::string& name)
      : ctx(EnginePorts{h.engine_clock, h.random, h.hooks, h.social, h.ledger, h.bus, h.notifier, h.storage},
            options_named(h.options, name)),
        leases(ctx) {
    ctx.db = h.storage.open(true);
    migrate(*ctx.db);
  }
  static EngineOptions options_named(EngineOptions o, const std::string& name) {
    o.name = name;
    return o;
  }
  bool take(const std::string& key, Duration hold_for) {
    bool taken = false;
    ctx.run_tx([&](TxScope& s) {
      taken = leases.take(s.db, key, hold_for);
      return std::string();
    });
    return taken;
  }
  EngineContext ctx;
  Leases leases;
};

std::string owner_of(EngineSide& side, const std::string& key) {
  auto& q = side.ctx.db->prepare("SELECT owner FROM leases WHERE key = ?");
  q.bind(1, key);
  const std::string owner = q.step() ? q.text_at(0) : std::string();
  q.reset();
  return owner;
}

TEST(Leases, OneHolderAtATimeUntilItExpires) {
  EngineHarness h;
  EngineSide a(h, "engine-1"), b(h, "engine-2");
  const std::string key = tweet_lease_key("c-1", 1);
  EXPECT_TRUE(a.take(key, kMinute * 5));
  EXPECT_FALSE(b.take(key, kMinute * 5)) << "held by engine-1";
  h.run_for(kMinute * 4);
  EXPECT_TRUE(a.take(key, kMinute * 5)) << "the holder renews";
  h.run_for(kMinute * 4);
  EXPECT_FALSE(b.take(key, kMinute * 5)) << "renewed 4 minutes ago for 5";
  h.run_for(kMinute);
  EXPECT_TRUE(b.take(key, kMinute * 5)) << "expired: a crashed holder's work is taken over";
  EXPECT_EQ(owner_of(a, key), "engine-2");
  EXPECT_FALSE(a.take(key, kMinute * 5)) << "the old holder has lost it";
}

std::int64_t until_us_of(EngineSide& side, const std::string& key) {
  auto& q = side.ctx.db->prepare("SELECT until_us FROM leases WHERE key = ?");
  q.bind(1, key);
  const std::int64_t until = q.step() ? q.int_at(0) : 0;
  q.reset();
  return until;
}

TEST(Leases, AHoldWritesOnlyOnceLessThanHalfTheLeaseIsLeft) {
  EngineHarness h;
  EngineSide a(h, "engine-1");
  const std::string key = "clsim:r-1:match:e-1";
  auto hold = a.leases.hold(key, kMinute * 4);
  ASSERT_TRUE(hold());
  const std::int64_t first = until_us_of(a, key);
  h.run_for(kMinute);
  ASSERT_TRUE(hold());
  EXPECT_EQ(until_us_of(a, key), first) << "3 of 4 minutes left: held without a write";
  h.run_for(kMinute + kSecond);
  ASSERT_TRUE(hold());
  EXPECT_EQ(until_us_of(a, key), first + to_us(kMinute * 2 + kSecond)) << "under half left: renewed";
}

TEST(Leases, AHoldAfterAReleaseWritesAgain) {
  EngineHarness h;
  EngineSide a(h, "engine-1"), b(h, "engine-2");
  const std::string key = "clsim:r-1:match:e-1";
  auto hold = a.leases.hold(key, kMinute * 4);
  ASSERT_TRUE(hold());
  a.leases.releaser(key)();
  EXPECT_TRUE(b.take(key, kMinute * 4)) << "released, so free";
  EXPECT_FALSE(hold()) << "the release forgot the lease: the hold asks the store and finds it taken";
}

TEST(Leases, ALeaseTakenInARolledBackTransactionIsNotKnownAsHeld) {
  EngineHarness h;
  EngineSide a(h, "engine-1"), b(h, "engine-2");
  const std::string key = "clsim:r-1:match:e-1";
  a.ctx.run_tx([&](TxScope& s) {
    EXPECT_TRUE(a.leases.take(s, key, kMinute * 4));
    return std::string("refused");
  });
  EXPECT_TRUE(b.take(key, kMinute * 4)) << "the take rolled back";
  EXPECT_FALSE(a.leases.hold(key, kMinute * 4)()) << "held by engine-2; engine-1 must not think it holds it";
}

TEST(Leases, OnlyTheHolderReleasesAndThenAnyoneTakes) {
  EngineHarness h;
  EngineSide a(h, "engine-1"), b(h, "engine-2");
  const std::string key = tweet_lease_key("c-1", 2);
  ASSERT_TRUE(a.take(key, kMinute));
  b.leases.releaser(key)();
  EXPECT_EQ(owner_of(a, key), "engine-1") << "another engine's release leaves the row";
  a.leases.releaser(key)();
  EXPECT_EQ(owner_of(a, key), "");
  EXPECT_TRUE(b.leases.hold(key, kMinute)());
  EXPECT_FALSE(a.leases.hold(key, kMinute)());
}

TEST(Leases, PaymentsAndTweetStepsOfOneCampaignAreSeparateLeases) {
  EngineHarness h;
  EngineSide a(h, "engine-1"), b(h, "engine-2");
  EXPECT_TRUE(a.take(payment_memo("c-1", "escrow"), kMinute));
  EXPECT_TRUE(b.take(tweet_lease_key("c-1", 1), kMinute));
  EXPECT_TRUE(a.take(tweet_lease_key("c-1", 2), kMinute));
}

TEST(Leases, MigrationKeepsThePaymentLeasesAnOlderEngineWrote) {
  EngineHarness h;
  {
    // A store as schema version 7 left it: payment_leases keyed by memo, with a live row.
    EngineSide old(h, "engine-1");
    old.ctx.db->exec("ALTER TABLE leases RENAME COLUMN key TO memo; ALTER TABLE leases RENAME TO payment_leases;"
                     "DELETE FROM schema_version WHERE version = 8;");
    old.ctx.db->prepare("INSERT INTO payment_leases (memo, owner, until_us) VALUES (?, 'engine-1', ?)")
        .bind(1, payment_memo("c-1", "escrow"))
        .bind(2, to_us(h.engine_clock.now() + kMinute))
        .run();
  }
  EngineSide a(h, "engine-1"), b(h, "engine-2");  // opening migrates to the latest version
  EXPECT_EQ(owner_of(a, payment_memo("c-1", "escrow")), "engine-1");
  EXPECT_FALSE(b.take(payment_memo("c-1", "escrow"), kMinute)) << "the older engine's lease still holds";
  EXPECT_TRUE(a.take(payment_memo("c-1", "escrow"), kMinute));
}

}  // namespace
}  // namespace clsim::engine::testing
