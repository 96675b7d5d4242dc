#include "sim/replay/divergences.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "engine/store/sqlite_db.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {

std::vector<EngineOutcome> engine_outcomes(Simulation& sim) {
  std::vector<EngineOutcome> out;
  engine::SqliteDb db(Simulation::kDatabase, sim.disk().vfs_name(), false);
  auto& q = db.prepare("SELECT event_id, type, campaign_id, payload, created_us FROM outbox ORDER BY seq");
  while (q.step()) out.push_back({q.text_at(0), q.text_at(1), q.text_at(2), q.text_at(3), q.int_at(4)});
  q.reset();
  return out;
}

std::vector<Divergence> find_divergences(const std::vector<LogLine>& lines, const std::vector<EngineOutcome>& actual,
                                         std::int64_t shift_us) {
  using Key = std::pair<std::string, std::string>;  // (campaign, type)
  std::map<Key, std::vector<const LogLine*>> recorded;
  std::map<std::string, int> last_line_of;  // campaigns with recorded outcomes
  for (const auto& l : lines) {
    if (l.kind != LineKind::outcome || l.repeated) continue;
    recorded[{l.campaign_id, l.type}].push_back(&l);
    last_line_of[l.campaign_id] = l.line;
  }
  std::map<Key, std::vector<std::int64_t>> engine;
  for (const auto& a : actual) engine[{a.campaign_id, a.type}].push_back(a.at_us - shift_us);

  std::vector<Divergence> out;
  for (const auto& [key, recs] : recorded) {
    const auto it = engine.find(key);
    const std::size_t have = it == engine.end() ? 0 : it->second.size();
    for (std::size_t k = 0; k < recs.size(); ++k) {
      const LogLine& l = *recs[k];
      Divergence d{l.line, l.type, "", key.first, l.ts_us, std::nullopt};
      if (k >= have) {
        d.kind = have == 0 ? "missing" : "count";
      } else {
        d.actual_ts_us = it->second[k];
        const std::int64_t diff = *d.actual_ts_us - l.ts_us;
        if (diff <= kTimeToleranceUs && diff >= -kTimeToleranceUs) continue;
        d.kind = "time";
      }
      out.push_back(std::move(d));
    }
    for (std::size_t k = recs.size(); k < have; ++k)
      out.push_back({recs.back()->line, key.second, "count", key.first, std::nullopt, it->second[k]});
  }
  for (const auto& [key, times] : engine) {
    if (recorded.count(key) || !last_line_of.count(key.first)) continue;
    for (std::int64_t t : times) out.push_back({last_line_of[key.first], key.second, "extra", key.first, std::nullopt, t});
  }
  std::stable_sort(out.begin(), out.end(), [](const Divergence& a, const Divergence& b) { return a.line < b.line; });
  return out;
}

nlohmann::ordered_json to_json(const std::vector<Divergence>& ds) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& d : ds) {
    nlohmann::ordered_json j{{"line", d.line}, {"type", d.type}, {"kind", d.kind}, {"campaign_id", d.campaign_id}};
    j["recorded_ts_us"] = d.recorded_ts_us ? nlohmann::ordered_json(*d.recorded_ts_us) : nlohmann::ordered_json();
    j["actual_ts_us"] = d.actual_ts_us ? nlohmann::ordered_json(*d.actual_ts_us) : nlohmann::ordered_json();
    arr.push_back(std::move(j));
  }
  return arr;
}

}  // namespace clsim::sim
