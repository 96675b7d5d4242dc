// The state machine's commands over a Simulation: create, update, publish, claim,
// advance virtual time, crash and restart engines (also at a named crash point),
// inject faults, heal, disconnect dashboard clients. Each checks its result against
// the model and then the invariant catalogue; show() prints it as a Lua line, so a
// shrunk counterexample reads as a clsim scenario.
#pragma once
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <ostream>
#include <string>

#include "property/sim_model.hpp"

namespace clsim::property {

using SimCommand = rc::state::Command<SimModel, SimSut>;

struct CreateCampaign final : SimCommand {
  explicit CreateCampaign(const SimModel& m);
  int number = 1;
  CampaignModel spec;
  void checkPreconditions(const SimModel& m) const override;
  void apply(SimModel& m) const override;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

struct UpdateCampaign final : SimCommand {
  explicit UpdateCampaign(const SimModel& m);
  std::string id, by;
  engine::CampaignUpdate change;
  bool accepted(const SimModel& m) const;
  void checkPreconditions(const SimModel& m) const override;
  void apply(SimModel& m) const override;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

struct PublishCampaign final : SimCommand {
  explicit PublishCampaign(const SimModel& m);
  std::string id, by;
  bool accepted(const SimModel& m) const;
  void checkPreconditions(const SimModel& m) const override;
  void apply(SimModel& m) const override;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

struct ClaimReward final : SimCommand {
  explicit ClaimReward(const SimModel& m);
  std::string id, user;  // user "*": every claimant in turn
  void claim_one(const SimModel& m, SimSut& sut, const std::string& who) const;
  void checkPreconditions(const SimModel& m) const override;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

// A user (an audience user, mallory, or the owner) engages with the first tweet.
struct EngageWithTweet final : SimCommand {
  explicit EngageWithTweet(const SimModel& m);
  std::string id, user;  // user "*": every audience user u-1..u-N
  engine::EngagementKind kind = engine::EngagementKind::like;
  std::vector<std::string> users() const;
  void checkPreconditions(const SimModel& m) const override;
  void apply(SimModel& m) const override;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

struct AdvanceTime final : SimCommand {
  AdvanceTime();
  std::int64_t us = 0;
  void apply(SimModel& m) const override;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

// A process crash and an immediate supervisor restart (engine 1 or 2).
struct CrashRestart final : SimCommand {
  CrashRestart();
  int engine_no = 1;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

// Engine 2 stays down for a while; engine 1 keeps serving commands.
struct CrashEngineTwoFor final : SimCommand {
  CrashEngineTwoFor();
  std::int64_t restart_after_us = 0;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

// Arms a named crash point for engine 2 (CrashPlan), restarting it after a delay.
struct CrashAtPoint final : SimCommand {
  CrashAtPoint();
  std::string point;
  std::int64_t restart_after_us = 0;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

struct InjectFaults final : SimCommand {
  InjectFaults();
  int entry = 0;  // index into the fault table
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

struct Heal final : SimCommand {
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

struct DisconnectClient final : SimCommand {
  DisconnectClient();
  int client = 0;
  void run(const SimModel& m, SimSut& sut) const override;
  void show(std::ostream& os) const override;
};

// Sequences of at most ~81 commands (rapidcheck's size 0..100, scaled by 0.8):
// long enough that campaigns often close and open their claim window.
constexpr double kSequenceScale = 0.8;

// One generated command sequence against a fresh Simulation with `mutations`:
// every command's postconditions and the catalogue, then the end-of-run checks.
// Sequences have at most about max_size * scale + 1 commands.
void run_state_machine(const engine::Mutations& mutations, double scale);

}  // namespace clsim::property
