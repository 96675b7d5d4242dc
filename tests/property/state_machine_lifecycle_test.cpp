// Random command sequences (create, update, publish, claim, time, crashes, faults,
// heal, client drops) against a two-engine Simulation: each command's answer
// matches the model, the invariant catalogue holds after every command, and once
// healed every published campaign finishes with its money accounted for.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "property/sim_model_commands.hpp"

namespace clsim::property {
namespace {

RC_GTEST_PROP(StateMachine, AnyCommandSequenceKeepsMoneyConservedAndEveryPublishedCampaignFinishes, ()) {
  run_state_machine(engine::Mutations{}, kSequenceScale);
}

}  // namespace
}  // namespace clsim::property
