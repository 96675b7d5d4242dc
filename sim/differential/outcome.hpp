// What one world ended with, in the shape both sides can read: the simulator from
// its store and mocks, the live side from serve's API and mockd's /mock/state. The
// comparison (compare.hpp) holds two of these side by side.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace clsim::differential {

struct Reward {
  std::string user;
  std::int64_t amount = 0;
  std::string status;  // claimable | claimed | returned (as the Lua API and GET show them)
  bool operator==(const Reward&) const = default;
  auto operator<=>(const Reward&) const = default;
};

struct CampaignOutcome {
  std::string state;  // "" when the world does not know the campaign
  std::string owner;
  int tweets = 0;               // tweets on X carrying the campaign's marker "[c-N/"
  std::vector<Reward> rewards;  // sorted
};

struct Match {
  std::string event_id, user;
  std::int64_t reward = 0;
  std::string status;  // paid | unpaid | pending
  bool operator==(const Match&) const = default;
  auto operator<=>(const Match&) const = default;
};

struct RuleOutcome {
  std::string state;  // ACTIVE | ENDED; "" unknown
  std::int64_t paid = 0, refunded = 0;
  std::vector<Match> matches;  // sorted
  std::string owner;
};

struct DeadLetter {
  std::string event_id, reason;  // reason: poison | retries_exhausted
  std::int64_t attempts = 0;
  std::string message;
  bool operator==(const DeadLetter&) const = default;
  auto operator<=>(const DeadLetter&) const = default;
};

struct Outcomes {
  std::map<std::string, CampaignOutcome> campaigns;
  std::map<std::string, RuleOutcome> rule_campaigns;
  std::vector<DeadLetter> dead_letters;        // sorted
  std::map<std::string, std::int64_t> ledger;  // every account the ledger holds
  std::map<int, std::string> refused;          // workload line -> why it was refused

  // An account's balance: as the ledger holds it, else the balance the mock ledger
  // would create it with (10^12 minor units; escrow accounts 0).
  std::int64_t balance(const std::string& account) const;
  // Sorts the lists, so two worlds' outcomes compare element by element.
  void normalise();
};

}  // namespace clsim::differential
