#include "sim/world/catalogue.hpp"

#include <cstring>

namespace clsim::sim {

const std::vector<CatalogueEntry>& crash_point_catalogue() {
  static const std::vector<CatalogueEntry> points = {
      {"before_first_tweet", "publish saga: about to post the first tweet"},
      {"after_first_tweet", "publish saga: first tweet posted, its id not yet recorded"},
      {"after_contract", "publish saga: contract registered and budget escrowed, not yet recorded"},
      {"after_second_tweet", "publish saga: thread tweet posted, not yet recorded"},
      {"during_close", "close: rewards computed, not yet committed"},
      {"after_refund", "close: unused budget refunded, not yet recorded"},
      {"after_claim_transfer", "claim: reward transferred, not yet recorded"},
      {"after_outbox_publish", "relay: outbox row published to the bus, not yet marked sent"},
  };
  return points;
}

const std::vector<CatalogueEntry>& invariant_catalogue() {
  static const std::vector<CatalogueEntry> invariants = {
      {"valid_transitions", "every state change is one of the lifecycle's allowed moves"},
      {"ledger_supply", "the ledger's balances sum to everything minted (no money made or lost)"},
      {"no_duplicate_tweet", "each campaign step ([c-N/1], [c-N/2]) is tweeted at most once"},
      {"single_contract", "each campaign's escrow registration executes at most once on the ledger"},
      {"single_payment", "each (campaign, user) reward is paid at most once"},
      {"single_transfer", "each refund and each return of unclaimed rewards executes at most once"},
      {"escrow_not_overdrawn", "an escrow account never pays out more than it took in"},
      {"money_conserved", "for every campaign: claimed + refunded + returned + claimable + in flight = budget"},
      {"one_close_timer", "every RUNNING campaign has exactly one pending close timer"},
      {"engine_assertion", "no CLSIM_ASSERT in engine code fails"},
      {"liveness", "at the end every published campaign is EXPIRED or FAILED and the world is quiet"},
      {"money_settled", "a finished campaign's escrow is empty and its budget fully accounted for"},
      {"outbox_drained", "at the end every outbox row has been published"},
      {"update_sequence", "each campaign's state updates are numbered 1..n without gaps, and a number never carries two states"},
      {"clients_converge", "at the end every dashboard client's view matches the engine's latest state"},
      {"store_readable", "the store can be read at the end of the run"},
      {"single_match", "each (rule campaign, customer event) reward executes at most once on the ledger"},
      {"rule_budget", "a rule campaign's paid and reserved rewards, in the store and on the ledger, stay within budget"},
      {"events_settled", "at the end every customer event is matched, unmatched or dead-lettered (nothing lost)"},
      {"dead_letter_reason", "events are dead-lettered only as poison or after exhausted retries"},
  };
  return invariants;
}

bool is_crash_point(const char* name) {
  for (const auto& c : crash_point_catalogue())
    if (std::strcmp(c.name, name) == 0) return true;
  return false;
}

}  // namespace clsim::sim
