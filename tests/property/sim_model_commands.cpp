#include "property/sim_model_commands.hpp"

#include <sstream>

#include "mocks/websocket/websocket_types.hpp"
#include "sim/world/invariant_checker.hpp"

namespace clsim::property {

namespace {

constexpr std::int64_t kSecond = 1'000'000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

void require(bool ok, const std::string& what) {
  if (!ok) RC_FAIL(what);
}

// The campaign a command acts on: one the model knows, else "c-1" (then the
// precondition discards the command).
std::string pick_campaign(const SimModel& m) {
  if (m.campaigns.empty()) return "c-1";
  return (*rc::gen::elementOf(m.campaigns)).id;
}

std::string pick_owner() { return *rc::gen::elementOf(std::vector<std::string>{"alice", "bob", "carol"}); }

// The owner most of the time, so updates and publishes are mostly legitimate.
std::string pick_actor(const SimModel& m, const std::string& id) {
  const CampaignModel* c = m.find(id);
  if (c && *rc::gen::inRange(0, 4) != 0) return c->owner;
  return *rc::gen::elementOf(std::vector<std::string>{"alice", "bob", "carol", "mallory"});
}

engine::Rates gen_rates() {
  return {
      engine::Money(*rc::gen::inRange<std::int64_t>(0, 5000)), engine::Money(*rc::gen::inRange<std::int64_t>(0, 5000)),
      engine::Money(*rc::gen::inRange<std::int64_t>(0, 5000)), engine::Money(*rc::gen::inRange<std::int64_t>(0, 5000))};
}

// Minutes to a few hours, so a sequence's time steps often reach the close and the claim window.
std::int64_t gen_window_us() { return *rc::gen::inRange<std::int64_t>(1, 4 * 60 + 1) * kMinute; }

std::string gen_text() {
  return *rc::gen::elementOf(std::vector<std::string>{"Launch day", "Spread the word", "Try our app"}) + " " +
         std::to_string(*rc::gen::inRange(1, 100));
}

std::string lua_rates(const engine::Rates& r) {
  return "{ like = " + std::to_string(r.like.minor) + ", retweet = " + std::to_string(r.retweet.minor) +
         ", quote = " + std::to_string(r.quote.minor) + ", reply = " + std::to_string(r.reply.minor) + " }";
}

struct FaultEntry {
  const char* json;
  const char* lua;
};
const FaultEntry kFaults[] = {
    {R"({"twitter": {"error_rate": 0.3}})", "faults { twitter = { error_rate = 0.3 } }"},
    {R"({"twitter": {"rate_limit": true}})", "faults { twitter = { rate_limit = true } }"},
    {R"({"hedera": {"busy_rate": 0.3}})", "faults { hedera = { busy_rate = 0.3 } }"},
    {R"({"hedera": {"unknown_outcome_rate": 0.3}})", "faults { hedera = { unknown_outcome_rate = 0.3 } }"},
    {R"({"bus": {"duplicate_rate": 0.3}})", "faults { bus = { duplicate_rate = 0.3 } }"},
    {R"({"bus": {"delay_min": 1000, "delay_max": 2000000, "reorder": true}})",
     "faults { bus = { delay_min = ms(1), delay_max = seconds(2), reorder = true } }"},
};
constexpr int kFaultCount = int(sizeof(kFaults) / sizeof(kFaults[0]));

const std::vector<std::string> kCrashPoints = {"before_first_tweet",   "after_first_tweet",   "after_contract",
                                               "after_second_tweet",   "during_close",        "after_refund",
                                               "after_claim_transfer", "after_outbox_publish"};

void check_after(const SimCommand& cmd, const SimModel& before, SimSut& sut) {
  check_catalogue(sut, cmd.nextState(before));
}

}  // namespace

// ---- create ----
CreateCampaign::CreateCampaign(const SimModel& m) : number(m.next_campaign) {
  spec.id = "c-" + std::to_string(number);
  spec.owner = pick_owner();
  spec.budget = *rc::gen::inRange<std::int64_t>(1'000, 2'000'001);
  spec.rates = gen_rates();
  spec.duration_us = gen_window_us();
  spec.claim_window_us = gen_window_us();
  spec.text = gen_text();
}
void CreateCampaign::checkPreconditions(const SimModel& m) const {
  const bool fresh = m.find(spec.id) == nullptr;
  RC_PRE(fresh);
}
void CreateCampaign::apply(SimModel& m) const {
  m.campaigns.push_back(spec);
  m.next_campaign = std::max(m.next_campaign, number + 1);
}
void CreateCampaign::run(const SimModel& m, SimSut& sut) const {
  engine::CampaignSpec s;
  s.id = spec.id;
  s.owner = spec.owner;
  s.budget = engine::Money(spec.budget);
  s.rates = spec.rates;
  s.duration = engine::Duration(spec.duration_us);
  s.claim_window = engine::Duration(spec.claim_window_us);
  s.text = spec.text;
  const auto r = sut.sim->create(s);
  require(r.ok && r.id == spec.id, "create " + spec.id + " was refused: " + r.reason);
  check_after(*this, m, sut);
}
void CreateCampaign::show(std::ostream& os) const {
  os << "campaign { id = \"" << spec.id << "\", owner = \"" << spec.owner << "\", budget = " << spec.budget
     << ", duration = " << lua_duration(spec.duration_us) << ", claim_window = " << lua_duration(spec.claim_window_us)
     << ", rates = " << lua_rates(spec.rates) << ", text = \"" << spec.text << "\" }";
}

// ---- update ----
UpdateCampaign::UpdateCampaign(const SimModel& m) : id(pick_campaign(m)) {
  by = pick_actor(m, id);
  change.text = gen_text();
  if (*rc::gen::arbitrary<bool>()) change.rates = gen_rates();
  if (*rc::gen::arbitrary<bool>()) change.duration = engine::Duration(gen_window_us());
  if (*rc::gen::arbitrary<bool>()) change.claim_window = engine::Duration(gen_window_us());
}
bool UpdateCampaign::accepted(const SimModel& m) const {
  const CampaignModel* c = m.find(id);
  return c && c->owner == by && !c->publish_requested;
}
void UpdateCampaign::checkPreconditions(const SimModel& m) const {
  const bool known = m.find(id) != nullptr;
  RC_PRE(known);
}
void UpdateCampaign::apply(SimModel& m) const {
  if (!accepted(m)) return;
  CampaignModel& c = *m.find(id);
  if (change.text) c.text = *change.text;
  if (change.rates) c.rates = *change.rates;
  if (change.duration) c.duration_us = change.duration->count();
  if (change.claim_window) c.claim_window_us = change.claim_window->count();
}
void UpdateCampaign::run(const SimModel& m, SimSut& sut) const {
  const auto r = sut.sim->update(id, change, by);
  const bool expect = accepted(m);
  require(r.ok == expect, "update " + id + " by " + by +
                              (expect ? " (the owner, before publish) was refused: " + r.reason
                                      : " must be refused (non-owner or published) but was accepted"));
  require(r.ok || !r.reason.empty(), "a refused update gives no reason");
  check_after(*this, m, sut);
}
void UpdateCampaign::show(std::ostream& os) const {
  os << "update(\"" << id << "\", { text = \"" << *change.text << "\"";
  if (change.rates) os << ", rates = " << lua_rates(*change.rates);
  if (change.duration) os << ", duration = " << lua_duration(change.duration->count());
  if (change.claim_window) os << ", claim_window = " << lua_duration(change.claim_window->count());
  os << " }, { by = \"" << by << "\" })";
}

// ---- publish ----
PublishCampaign::PublishCampaign(const SimModel& m) : id(pick_campaign(m)) { by = pick_actor(m, id); }
bool PublishCampaign::accepted(const SimModel& m) const {
  const CampaignModel* c = m.find(id);
  return c && c->owner == by && !c->publish_requested;
}
void PublishCampaign::checkPreconditions(const SimModel& m) const {
  const bool known = m.find(id) != nullptr;
  RC_PRE(known);
}
void PublishCampaign::apply(SimModel& m) const {
  if (accepted(m)) m.find(id)->publish_requested = true;
}
void PublishCampaign::run(const SimModel& m, SimSut& sut) const {
  const auto r = sut.sim->publish(id, by);
  const bool expect = accepted(m);
  require(r.ok == expect, "publish " + id + " by " + by +
                              (expect ? " (the owner, first time) was refused: " + r.reason
                                      : " must be refused (non-owner or duplicate) but was accepted"));
  check_after(*this, m, sut);
}
void PublishCampaign::show(std::ostream& os) const { os << "publish(\"" << id << "\", { by = \"" << by << "\" })"; }

// ---- claim ----
// Half the time every claimant at once ("*"): a single random user rarely meets
// the claim window.
ClaimReward::ClaimReward(const SimModel& m)
    : id(pick_campaign(m)), user(*rc::gen::arbitrary<bool>() ? std::string("*") : *rc::gen::elementOf(claimants())) {}
void ClaimReward::checkPreconditions(const SimModel& m) const {
  const bool known = m.find(id) != nullptr;
  RC_PRE(known);
}
void ClaimReward::run(const SimModel& m, SimSut& sut) const {
  const std::vector<std::string> users = user == "*" ? claimants() : std::vector<std::string>{user};
  for (const auto& u : users) claim_one(m, sut, u);
  check_after(*this, m, sut);
}
void ClaimReward::claim_one(const SimModel& m, SimSut& sut, const std::string& who) const {
  // What the store says before the claim decides whether it must be paid.
  auto& reader = sut.sim->reader();
  const auto c = reader.campaign(id);
  require(c.has_value(), id + " is missing from the store");
  std::string status = "none";
  for (const auto& r : reader.reward_records(id))
    if (r.user == who) status = r.status;
  const std::int64_t now_us = engine::to_us(sut.sim->world().now());
  const bool window_open = !c->expiry_us || now_us < *c->expiry_us;
  const bool eligible = c->state == "REWARD_CLAIM" && status == "claimable" && window_open;
  const auto r = sut.sim->claim(id, who);
  if (!m.find(id)->publish_requested) require(!r.ok, "a claim on unpublished " + id + " was accepted");
  // The oracle of who may ever be paid is the model's own: only a user the sequence
  // made engage, never the owner. The store says only when (state, window).
  const CampaignModel* cm = m.find(id);
  require(!r.ok || (cm->engaged.count(who) && who != cm->owner),
          "claim " + id + " by " + who + " was accepted, but " + who +
              (who == cm->owner ? " owns it" : " never engaged with it (the model made no such engagement)"));
  require(r.ok == eligible, "claim " + id + " by " + who + " (campaign " + c->state + ", reward " + status +
                                ", window " + (window_open ? "open" : "closed") + ") " +
                                (eligible ? "was refused: " + r.reason : "was accepted"));
  require(r.ok || !r.reason.empty(), "a refused claim gives no reason");
}
void ClaimReward::show(std::ostream& os) const {
  if (user != "*") {
    os << "claim(\"" << id << "\", \"" << user << "\")";
    return;
  }
  os << "for _, u in ipairs({ ";
  for (const auto& u : claimants()) os << "\"" << u << "\", ";
  os << "}) do claim(\"" << id << "\", u) end";
}

// ---- engage ----
// Mostly the audience users or mallory (who then may earn), sometimes the owner
// (who never earns).
EngageWithTweet::EngageWithTweet(const SimModel& m) : id(pick_campaign(m)) {
  // A published campaign when there is one: only its tweet can be engaged with.
  std::vector<std::string> published;
  for (const auto& c : m.campaigns)
    if (c.publish_requested) published.push_back(c.id);
  if (!published.empty()) id = *rc::gen::elementOf(published);
  const CampaignModel* c = m.find(id);
  // Half the time every audience user at once ("*"), as a tweet's audience does.
  const int pick = *rc::gen::inRange(0, 16);
  user = pick < 8 ? std::string("*") : pick == 8 && c ? c->owner : *rc::gen::elementOf(claimants());
  kind = *rc::gen::elementOf(std::vector<engine::EngagementKind>(std::begin(engine::kEngagementKinds),
                                                                 std::end(engine::kEngagementKinds)));
}
void EngageWithTweet::checkPreconditions(const SimModel& m) const {
  const bool known = m.find(id) != nullptr;
  RC_PRE(known);
}
std::vector<std::string> EngageWithTweet::users() const {
  if (user != "*") return {user};
  std::vector<std::string> all;
  for (int i = 1; i <= kAudienceUsers; ++i) all.push_back("u-" + std::to_string(i));
  return all;
}
void EngageWithTweet::apply(SimModel& m) const {
  for (const auto& u : users()) m.find(id)->engaged.insert(u);
}
void EngageWithTweet::run(const SimModel& m, SimSut& sut) const {
  // False before the first tweet exists: then it counts for nothing, which the
  // oracle allows (it knows who may be paid, not who must be).
  for (const auto& u : users()) sut.sim->engage(id, u, kind);
  check_after(*this, m, sut);
}
void EngageWithTweet::show(std::ostream& os) const {
  const char* k = engine::to_string(kind);
  if (user != "*") {
    os << "engage(\"" << id << "\", \"" << user << "\", \"" << k << "\")";
    return;
  }
  os << "for i = 1, " << kAudienceUsers << " do engage(\"" << id << "\", \"u-\" .. i, \"" << k << "\") end";
}

// ---- time ----
AdvanceTime::AdvanceTime() {
  us = *rc::gen::weightedOneOf<std::int64_t>({
      {20, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 60), [](std::int64_t n) { return n * kSecond; })},
      {45, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 60), [](std::int64_t n) { return n * kMinute; })},
      {30, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 4), [](std::int64_t n) { return n * kHour; })},
      {5, rc::gen::just(kDay)},
  });
}
void AdvanceTime::apply(SimModel& m) const { m.elapsed_us += us; }
void AdvanceTime::run(const SimModel& m, SimSut& sut) const {
  sut.sim->world().run_for(engine::Duration(us));
  check_after(*this, m, sut);
}
void AdvanceTime::show(std::ostream& os) const { os << "run_for(" << lua_duration(us) << ")"; }

// ---- crashes ----
CrashRestart::CrashRestart() : engine_no(*rc::gen::inRange(1, 3)) {}
void CrashRestart::run(const SimModel& m, SimSut& sut) const {
  sut.sim->crash(engine_no);
  sut.sim->restart(engine_no);
  check_after(*this, m, sut);
}
void CrashRestart::show(std::ostream& os) const { os << "crash(" << engine_no << ") restart(" << engine_no << ")"; }

CrashEngineTwoFor::CrashEngineTwoFor() : restart_after_us(*rc::gen::inRange<std::int64_t>(1, 301) * kSecond) {}
void CrashEngineTwoFor::run(const SimModel& m, SimSut& sut) const {
  sut.sim->crash(2, engine::Duration(restart_after_us));
  check_after(*this, m, sut);
}
void CrashEngineTwoFor::show(std::ostream& os) const { os << "crash(2, " << lua_duration(restart_after_us) << ")"; }

CrashAtPoint::CrashAtPoint()
    : point(*rc::gen::elementOf(kCrashPoints)), restart_after_us(*rc::gen::inRange<std::int64_t>(0, 121) * kSecond) {}
void CrashAtPoint::run(const SimModel& m, SimSut& sut) const {
  sut.sim->world().crash_plan().arm(sim::CrashOrder{point, 2, 1, engine::Duration(restart_after_us)});
  check_after(*this, m, sut);
}
void CrashAtPoint::show(std::ostream& os) const {
  os << "crash_at(\"" << point << "\", { engine = 2, restart_after = "
     << (restart_after_us == 0 ? std::string("0") : lua_duration(restart_after_us)) << " })";
}

// ---- faults ----
InjectFaults::InjectFaults() : entry(*rc::gen::inRange(0, kFaultCount)) {}
void InjectFaults::run(const SimModel& m, SimSut& sut) const {
  const std::string err = sut.sim->merge_faults(nlohmann::json::parse(kFaults[entry].json));
  require(err.empty(), std::string("faults ") + kFaults[entry].json + " refused: " + err);
  check_after(*this, m, sut);
}
void InjectFaults::show(std::ostream& os) const { os << kFaults[entry].lua; }

void Heal::run(const SimModel& m, SimSut& sut) const {
  sut.sim->heal();
  check_after(*this, m, sut);
}
void Heal::show(std::ostream& os) const { os << "heal()"; }

DisconnectClient::DisconnectClient() : client(*rc::gen::inRange(0, 2)) {}
void DisconnectClient::run(const SimModel& m, SimSut& sut) const {
  sut.sim->hub().disconnect(mocks::WebSocketHub::ClientId(client), mocks::CloseCode::abnormal);
  check_after(*this, m, sut);
}
void DisconnectClient::show(std::ostream& os) const {
  os << "-- disconnect dashboard client " << client << " (1006); Lua has no call for one drop, the nearest is "
     << "faults { websocket = { disconnect_rate = ... } }";
}

// ---- the sequence ----
void run_state_machine(const engine::Mutations& mutations, double scale) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000).as("world seed");
  const SimModel initial;
  const auto commands = *rc::gen::scale(
      scale, rc::state::gen::commands(initial, [](const SimModel& m) {
        // Repeats weight the draw: the lifecycle commands and time come up most.
        return rc::state::gen::execOneOfWithArgs<
            CreateCampaign, CreateCampaign, CreateCampaign, UpdateCampaign, PublishCampaign, PublishCampaign,
            PublishCampaign, EngageWithTweet, EngageWithTweet, EngageWithTweet, EngageWithTweet, EngageWithTweet,
            EngageWithTweet, ClaimReward,
            ClaimReward, ClaimReward, ClaimReward, AdvanceTime, AdvanceTime, AdvanceTime, AdvanceTime, CrashRestart,
            CrashEngineTwoFor, CrashAtPoint, InjectFaults, Heal, DisconnectClient>()(m);
      }));
  std::ostringstream lua;
  lua << lua_header(seed, mutations);
  for (const auto& c : commands) {
    c->show(lua);
    lua << "\n";
  }
  RC_LOG() << "\n" << lua.str();
  SimSut sut(seed, mutations);
  rc::state::runAll(commands, initial, sut);
  SimModel final_model = initial;
  rc::state::applyAll(commands, final_model);
  finish_and_check(sut, final_model);
}

}  // namespace clsim::property
