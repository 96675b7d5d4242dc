#include "sim/differential/compare.hpp"

#include <algorithm>
#include <set>

namespace clsim::differential {

namespace {

std::string show(const std::string& s) { return s; }
std::string show(std::int64_t v) { return std::to_string(v); }
// A cell's "live/simulated" and a detail line's "live / simulated".
template <class T>
std::string pair(const T& live, const T& simulated) {
  return show(live) + "/" + show(simulated);
}
template <class T>
std::string detail(const T& live, const T& simulated) {
  return show(live) + " / " + show(simulated);
}
std::string or_none(const std::string& s) { return s.empty() ? "(none)" : s; }

// One cell, and a detail line when the two sides differ.
template <class T>
void cell(Row& row, const std::string& name, const T& live, const T& simulated) {
  row.cells.push_back(name.empty() ? pair(live, simulated) : name + " " + pair(live, simulated));
  if (live != simulated) row.details.push_back((name.empty() ? "state" : name) + ": " + detail(live, simulated));
}

// Keyed lists (rewards by user, matches by event): a detail per key whose entries differ.
template <class T, class Key, class Describe>
void keyed(Row& row, const std::string& what, const std::vector<T>& live, const std::vector<T>& simulated, Key key,
           Describe describe) {
  std::map<std::string, std::pair<std::string, std::string>> by_key;
  for (const auto& x : live) by_key[key(x)].first += (by_key[key(x)].first.empty() ? "" : " + ") + describe(x);
  for (const auto& x : simulated) by_key[key(x)].second += (by_key[key(x)].second.empty() ? "" : " + ") + describe(x);
  for (const auto& [k, v] : by_key)
    if (v.first != v.second)
      row.details.push_back(what + " " + k + ": " + or_none(v.first) + " / " + or_none(v.second));
}

// The campaign's outcome in one world; an empty one (state "") when it does not know it.
template <class T>
const T& outcome_of(const std::map<std::string, T>& all, const std::string& id) {
  static const T kUnknown{};
  const auto it = all.find(id);
  return it == all.end() ? kUnknown : it->second;
}

// The balances cell: an account's balance differing is a difference.
void balances(Row& row, const std::set<std::string>& accounts, const Outcomes& live, const Outcomes& sim) {
  int differ = 0;
  for (const auto& a : accounts) {
    if (live.balance(a) == sim.balance(a)) continue;
    ++differ;
    row.details.push_back("balance " + a + ": " + detail(live.balance(a), sim.balance(a)));
  }
  row.cells.push_back(differ == 0 ? "balances ok" : "balances " + std::to_string(differ) + " differ");
}

Row campaign_row(const std::string& id, const Outcomes& live, const Outcomes& sim) {
  const auto& l = outcome_of(live.campaigns, id);
  const auto& s = outcome_of(sim.campaigns, id);
  Row row{id, "campaign", {}, {}};
  cell(row, "", or_none(l.state), or_none(s.state));
  cell(row, "tweets", std::int64_t(l.tweets), std::int64_t(s.tweets));
  row.cells.push_back("rewards " + pair(std::int64_t(l.rewards.size()), std::int64_t(s.rewards.size())));
  keyed(row, "reward", l.rewards, s.rewards, [](const Reward& r) { return r.user; },
        [](const Reward& r) { return std::to_string(r.amount) + " " + r.status; });
  // The owner, the escrow and every user rewarded on either side.
  std::set<std::string> accounts{"escrow:" + id};
  for (const auto* c : {&l, &s}) {
    if (!c->owner.empty()) accounts.insert(c->owner);
    for (const auto& r : c->rewards) accounts.insert(r.user);
  }
  balances(row, accounts, live, sim);
  return row;
}

Row rule_row(const std::string& id, const Outcomes& live, const Outcomes& sim) {
  const auto& l = outcome_of(live.rule_campaigns, id);
  const auto& s = outcome_of(sim.rule_campaigns, id);
  Row row{id, "rule_campaign", {}, {}};
  cell(row, "", or_none(l.state), or_none(s.state));
  cell(row, "paid", l.paid, s.paid);
  cell(row, "refunded", l.refunded, s.refunded);
  row.cells.push_back("matches " + pair(std::int64_t(l.matches.size()), std::int64_t(s.matches.size())));
  keyed(row, "match", l.matches, s.matches, [](const Match& m) { return m.event_id; },
        [](const Match& m) { return m.user + " " + std::to_string(m.reward) + " " + m.status; });
  // The owner, the escrow and every user matched on either side.
  std::set<std::string> accounts{"escrow:" + id};
  for (const auto* r : {&l, &s}) {
    if (!r->owner.empty()) accounts.insert(r->owner);
    for (const auto& m : r->matches) accounts.insert(m.user);
  }
  balances(row, accounts, live, sim);
  return row;
}

Row dead_letter_row(const Outcomes& live, const Outcomes& sim) {
  Row row{"dead letters", "dead_letters", {}, {}};
  row.cells.push_back(pair(std::int64_t(live.dead_letters.size()), std::int64_t(sim.dead_letters.size())));
  keyed(row, "dead letter", live.dead_letters, sim.dead_letters, [](const DeadLetter& d) { return d.event_id; },
        [](const DeadLetter& d) {
          return d.reason + " after " + std::to_string(d.attempts) + " (" + d.message + ")";
        });
  return row;
}

// The workload lines each world refused (a second claim, a stranger's publish).
Row refused_row(const Outcomes& live, const Outcomes& sim) {
  Row row{"refused", "refused", {}, {}};
  row.cells.push_back("lines " + pair(std::int64_t(live.refused.size()), std::int64_t(sim.refused.size())));
  std::set<int> lines;
  for (const auto* o : {&live, &sim})
    for (const auto& [line, why] : o->refused) lines.insert(line);
  for (int line : lines) {
    const bool l = live.refused.count(line), s = sim.refused.count(line);
    if (l == s) continue;
    const auto side = [line](const Outcomes& o) {
      return o.refused.count(line) ? "refused (" + o.refused.at(line) + ")" : std::string("accepted");
    };
    row.details.push_back("line " + std::to_string(line) + ": " + side(live) + " / " + side(sim));
  }
  return row;
}

}  // namespace

Comparison compare(const Workload& w, const Outcomes& live, const Outcomes& simulated) {
  Comparison out;
  for (const auto& id : w.campaigns) out.rows.push_back(campaign_row(id, live, simulated));
  for (const auto& id : w.rule_campaigns) out.rows.push_back(rule_row(id, live, simulated));
  out.campaigns = int(w.campaigns.size() + w.rule_campaigns.size());
  out.rows.push_back(dead_letter_row(live, simulated));
  out.rows.push_back(refused_row(live, simulated));
  for (const auto& r : out.rows) out.differences += r.differences();
  return out;
}

std::string render(const Comparison& c) {
  std::size_t id_width = 0, first_width = 0;
  for (const auto& r : c.rows) {
    if (r.kind != "campaign" && r.kind != "rule_campaign") continue;  // the summary rows stand out on their own
    id_width = std::max(id_width, r.id.size());
    if (!r.cells.empty()) first_width = std::max(first_width, r.cells.front().size());
  }
  std::string out;
  for (const auto& r : c.rows) {
    std::string line = r.id + std::string(std::max(id_width, r.id.size()) - r.id.size() + 2, ' ');
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      line += r.cells[i];
      const std::size_t width = i == 0 ? std::max(first_width, r.cells[i].size()) : r.cells[i].size();
      if (i + 1 < r.cells.size()) line += std::string(width - r.cells[i].size() + 2, ' ');
    }
    // The summary rows say how they compare; a campaign's cells already do.
    if (r.kind != "campaign" && r.kind != "rule_campaign")
      line += r.details.empty() ? "  ok" : "  " + std::to_string(r.differences()) + " differ";
    out += line + "\n";
    for (const auto& d : r.details) out += "    " + d + "\n";
  }
  out += "differential: " + std::to_string(c.campaigns) + " campaigns, " + std::to_string(c.differences) +
         " differences\n";
  return out;
}

nlohmann::ordered_json to_json(const Comparison& c) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& r : c.rows) {
    std::string line;
    for (const auto& cell : r.cells) line += (line.empty() ? "" : "  ") + cell;
    rows.push_back(
        {{"id", r.id}, {"kind", r.kind}, {"line", line}, {"differences", r.differences()}, {"details", r.details}});
  }
  return {{"campaigns", c.campaigns}, {"differences", c.differences}, {"rows", std::move(rows)}};
}

}  // namespace clsim::differential
