// The engine's always-on assertions, made where the change is made: each fires on
// the value it guards, records the failure through Hooks and throws, so a
// simulation fails the run with its repro line instead of going on wrong.
#include "engine/lifecycle/campaign_states.hpp"
#include "engine/saga/payments.hpp"
#include "engine/store/schema.hpp"
#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

struct Components {
  explicit Components(EngineHarness& h)
      : ctx(EnginePorts{h.engine_clock, h.random, h.hooks, h.social, h.ledger, h.bus, h.notifier, h.storage},
            h.options),
        states(ctx) {
    ctx.db = h.storage.open(true);
    migrate(*ctx.db);
  }
  EngineContext ctx;
  CampaignStates states;
};

CampaignRow row_of(const std::string& id) {
  CampaignRow r;
  r.id = id;
  r.owner = "alice";
  r.budget = Money(1000);
  r.duration = kHour;
  r.claim_window = kHour;
  return r;
}

TEST(EngineAssertions, AnIllegalTransitionIsRefusedByAssertion) {
  EngineHarness h;
  Components c(h);
  TxScope s{*c.ctx.db, {}};
  CampaignRow r = row_of("c-1");
  r.state = CampaignState::EXPIRED;
  EXPECT_THROW(c.states.move(s, r, CampaignState::RUNNING, "test"), AssertionFailure);
  ASSERT_EQ(h.hooks.assertions.size(), 1u);
  EXPECT_NE(h.hooks.assertions[0].find("EXPIRED -> RUNNING"), std::string::npos) << h.hooks.assertions[0];
  EXPECT_EQ(r.state, CampaignState::EXPIRED) << "a refused move changes nothing";
}

TEST(EngineAssertions, NegativeCampaignMoneyIsNeverSaved) {
  EngineHarness h;
  Components c(h);
  TxScope s{*c.ctx.db, {}};
  CampaignRow r = row_of("c-1");
  insert_campaign(s.db, r);
  r.refunded = Money(-1);
  EXPECT_THROW(c.states.persist(s, r, false), AssertionFailure);
  EXPECT_NE(h.hooks.assertions.at(0).find("negative money on c-1"), std::string::npos);
}

TEST(EngineAssertions, EscrowAboveTheBudgetIsNeverSaved) {
  EngineHarness h;
  Components c(h);
  TxScope s{*c.ctx.db, {}};
  CampaignRow r = row_of("c-1");
  insert_campaign(s.db, r);
  r.escrowed = Money(1001);
  EXPECT_THROW(c.states.persist(s, r, false), AssertionFailure);
  r.escrowed = Money(1000);
  EXPECT_NO_THROW(c.states.persist(s, r, false));
}

TEST(EngineAssertions, StateUpdateNumbersOfACampaignOnlyGrow) {
  EngineHarness h;
  Components c(h);
  TxEffects fx;
  fx.updates = {StateUpdate{"c-1", 1, "CREATED", {}, {}}, StateUpdate{"c-2", 1, "CREATED", {}, {}}};
  c.states.committed(fx);
  fx.updates = {StateUpdate{"c-1", 2, "PUBLISHING", {}, {}}};
  c.states.committed(fx);
  EXPECT_TRUE(h.hooks.assertions.empty());
  fx.updates = {StateUpdate{"c-1", 2, "RUNNING", {}, {}}};  // a number carrying a second state
  EXPECT_THROW(c.states.committed(fx), AssertionFailure);
}

TEST(EngineAssertions, TransactionIdsNeverStartInThePast) {
  EngineHarness h;
  Components c(h);
  Leases leases(c.ctx);
  Payments payments(c.ctx, leases);
  TxScope s{*c.ctx.db, {}};
  const TransactionId a = payments.allocate_tx_id(s.db);
  const TransactionId b = payments.allocate_tx_id(s.db);
  EXPECT_GE(a.valid_start, h.engine_clock.now());
  EXPECT_GT(b.valid_start, a.valid_start) << "ids handed out at one instant differ";
  EXPECT_TRUE(h.hooks.assertions.empty());
}

}  // namespace
}  // namespace clsim::engine::testing
