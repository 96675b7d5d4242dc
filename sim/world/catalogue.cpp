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
      {"liveness", "when the script ends the world becomes quiet within max_time; nothing is stuck"},
  };
  return invariants;
}

bool is_crash_point(const char* name) {
  for (const auto& c : crash_point_catalogue())
    if (std::strcmp(c.name, name) == 0) return true;
  return false;
}

}  // namespace clsim::sim
