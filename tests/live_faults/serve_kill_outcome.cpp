// The end checks of the serve-kill and two-serve tests, read from the outside world
// (mockd's tweets, ledger mirror and balances) beside what serve says of each campaign.
#include "live_faults/serve_kill_support.hpp"

#include <chrono>
#include <thread>

namespace clsim::live_faults {

std::vector<std::string> check_outcome(const FaultWorld& world, const std::vector<CampaignPlan>& plans,
                                       const std::map<std::string, json>& campaigns,
                                       const std::set<std::pair<std::string, std::string>>& accepted_claims) {
  std::vector<std::string> bad;
  const auto mock = world.mock_state();
  std::map<std::string, long long> expected;  // account -> balance the campaigns call for
  auto expect = [&](const std::string& account, long long delta) {
    expected.emplace(account, kStartingBalance).first->second += delta;
  };
  // mockd's mirror shows a transaction only mirror_lag (5 s) after consensus, and
  // balances move at consensus: a transfer made just before the end (the last
  // expiry's return) is read again until the lag has passed, a missing one never
  // shows up, and a repeated one is already there.
  const auto mirror_settled = std::chrono::steady_clock::now() + std::chrono::seconds(7);
  auto ledger = [&](const std::string& memo, int want) {
    int got = world.ledger_entries(memo);
    for (int i = 0; got < want && i < 40 && std::chrono::steady_clock::now() < mirror_settled; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      got = world.ledger_entries(memo);
    }
    if (got != want) bad.push_back(memo + ": " + std::to_string(got) + " ledger transactions, want " + std::to_string(want));
  };
  for (const auto& p : plans) {
    const json& c = campaigns.at(p.id);
    if (!c.is_object() || !c.contains("state")) {
      bad.push_back(p.id + ": serve did not answer GET /v1/campaigns/" + p.id + ": " + c.dump());
      continue;
    }
    const std::string state = c.value("state", "?"), want = p.fails ? "FAILED" : "EXPIRED";
    if (state != want) bad.push_back(p.id + " ended " + state + ", want " + want);
    int first = 0, second = 0;
    for (const auto& t : mock["tweets"]) {
      const std::string text = t["text"];
      first += text.find("[" + p.id + "/1]") != std::string::npos;
      second += text.find("[" + p.id + "/2]") != std::string::npos;
    }
    const long long escrowed = c.value("escrowed", -1LL), refunded = c.value("refunded", -1LL);
    const long long claimed = c.value("claimed", -1LL), returned = c.value("returned", -1LL);
    if (state == "EXPIRED") {
      if (first != 1 || second != 1 || c["tweets"].size() != 2)
        bad.push_back(p.id + ": tweets on X [" + p.id + "/1] x" + std::to_string(first) + ", [" + p.id + "/2] x" +
                      std::to_string(second) + ", want one each");
      if (escrowed != p.budget || refunded + claimed + returned != p.budget)
        bad.push_back(p.id + ": money does not add up: " + c.dump());
    } else if (state == "FAILED") {
      if (second != 0 || first > 1)
        bad.push_back(p.id + ": FAILED but tweets on X [" + p.id + "/1] x" + std::to_string(first) + ", [" + p.id +
                      "/2] x" + std::to_string(second));
      if (refunded != escrowed) bad.push_back(p.id + ": FAILED without a full refund: " + c.dump());
    }
    ledger("clsim:" + p.id + ":escrow", escrowed > 0);
    ledger("clsim:" + p.id + ":refund", refunded > 0);
    ledger("clsim:" + p.id + ":return", returned > 0);
    expect(p.owner, -claimed);
    expect("escrow:" + p.id, -kStartingBalance);  // escrow accounts start empty and must end so
    for (const auto& r : c.value("rewards", json::array())) {
      const std::string user = r["user"], status = r["status"];
      const bool paid = status == "claimed";
      ledger("clsim:" + p.id + ":claim:" + user, paid);
      if (paid) expect(user, r["amount"].get<long long>());
      if (state == "EXPIRED" && !paid && status != "returned")
        bad.push_back(p.id + ": reward of " + user + " left " + status + " after the expiry");
      if (accepted_claims.count({p.id, user}) && !paid)
        bad.push_back(p.id + ": the claim of " + user + " was accepted (200) but ended " + status);
    }
  }
  long long sum = 0;
  for (const auto& [account, amount] : mock["balances"].items()) sum += amount.get<long long>();
  if (sum != mock["minted"].get<long long>())
    bad.push_back("money is not conserved: balances add up to " + std::to_string(sum) + ", minted " +
                  mock["minted"].dump());
  for (const auto& [account, want] : expected) {
    const long long got = mock["balances"].value(account, account.rfind("escrow:", 0) == 0 ? 0 : kStartingBalance);
    if (got != want) bad.push_back("balance of " + account + ": " + std::to_string(got) + ", want " + std::to_string(want));
  }
  return bad;
}

}  // namespace clsim::live_faults
