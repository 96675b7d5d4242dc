#include "sim/replay/run_capture.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/messaging/capture_records.hpp"
#include "engine/store/sqlite_db.hpp"
#include "sim/replay/event_log.hpp"
#include "sim/replay/replayer.hpp"
#include "sim/world/simulation.hpp"

namespace clsim::sim {

// Records sort by (time, commands before outcomes, order of origin).
struct RunCapture::Keyed {
  std::int64_t ts_us;
  int tier;
  std::uint64_t order;
  CaptureRecord record;
};

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

bool wanted(const std::string& line) {
  for (const char* ev : {"\"ev\":\"engine_crash\"", "\"ev\":\"engine_restart\"", "\"ev\":\"crash_point\"",
                         "\"ev\":\"faults\"", "\"ev\":\"heal\""})
    if (line.find(ev) != std::string::npos) return true;
  return false;
}

// Trace lines start {"seq":N,...
std::uint64_t seq_of(const std::string& line) {
  constexpr std::string_view head = "{\"seq\":";
  if (line.compare(0, head.size(), head) != 0) return 0;
  return std::strtoull(line.c_str() + head.size(), nullptr, 10);
}

}  // namespace

void RunCapture::on_trace_line(const std::string& line) {
  last_seq_ = seq_of(line);
  if (!wanted(line)) return;
  json j = json::parse(line);
  seen_.push_back({j.value("t_us", std::int64_t(0)), j.value("seq", std::uint64_t(0)), j.value("engine", 0),
                   j.value("ev", std::string()), j});
}

void RunCapture::append(const CaptureRecord& record) {
  // Commands only: the outcomes come from the outbox, engagements from the mock.
  if (kind_of(record.type) == LineKind::command) commands_.push_back({last_seq_, record});
}

// Commands sort after the trace line before them (order 2 * seq + 1, traced lines
// 2 * seq). An engine numbers its commands <name>:cmd-N from 1 in each life, so
// the capture numbers them itself; a customer event keeps its own id.
void RunCapture::add_commands(std::vector<Keyed>& out) const {
  std::uint64_t n = 0;
  for (const auto& c : commands_) {
    CaptureRecord r = c.record;
    ++n;
    if (r.event_id.find(":cmd-") != std::string::npos) r.event_id = "cap-" + std::to_string(n);
    out.push_back({r.ts_us, 0, 2 * c.after_seq + 1, std::move(r)});
  }
}

void RunCapture::add_world_events(Simulation& sim, std::vector<Keyed>& out) const {
  std::map<int, std::int64_t> crashed_at;   // engine -> crash time awaiting its restart
  std::map<int, std::size_t> crash_record;  // engine -> index in out
  std::int64_t last_power_loss_us = -1;
  std::map<int, std::pair<std::int64_t, std::string>> point_of;  // engine -> (time, crash point it fired)
  for (const auto& s : seen_) {
    const std::string n = std::to_string(s.seq);
    if (s.ev == "faults" || s.ev == "heal") {
      ojson p = s.ev == "heal" ? ojson{{"heal", true}} : ojson{{"set", s.fields.value("set", json::object())}};
      out.push_back({s.t_us, 0, 2 * s.seq, {s.t_us, "clsim:faults:v1:changed", "faults-" + n, "", "", std::move(p)}});
    } else if (s.ev == "crash_point") {
      point_of[s.engine] = {s.t_us, s.fields.value("point", std::string())};
    } else if (s.ev == "engine_crash") {
      // A power loss stops every engine at once: one crash line replays it.
      if (sim.lose_unsynced_on_crash() && s.t_us == last_power_loss_us) continue;
      last_power_loss_us = s.t_us;
      // A power loss stops the engines in number order; the line names the one
      // whose crash point fired, so the replay arms that point on that engine.
      int victim = s.engine;
      if (sim.lose_unsynced_on_crash())
        for (const auto& [e, fired] : point_of)
          if (fired.first == s.t_us) victim = e;
      crashed_at[victim] = s.t_us;
      crash_record[victim] = out.size();
      ojson p = {{"engine", victim}};
      const auto point = point_of.find(victim);
      if (point != point_of.end() && point->second.first == s.t_us) p["point"] = point->second.second;
      point_of.erase(victim);
      out.push_back({s.t_us, 0, 2 * s.seq, {s.t_us, "engine:crash:v1:observed", "crash-" + n, "", "", std::move(p)}});
    } else if (s.ev == "engine_restart" && crashed_at.count(s.engine)) {
      out[crash_record[s.engine]].record.payload["restart_after_us"] = s.t_us - crashed_at[s.engine];
      crashed_at.erase(s.engine);
    }
  }
  // An engine the run never restarted.
  for (auto& [engine_no, at] : crashed_at) out[crash_record[engine_no]].record.payload["restart"] = false;
}

void RunCapture::add_engagements(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out) {
  std::uint64_t order = 0;
  for (const auto& c : sim.reader().campaigns()) {
    if (!c.first_tweet_id) continue;
    for (const auto& e : sim.twitter().engagements().all(*c.first_tweet_id)) {
      const std::int64_t at = engine::to_us(e.at);
      if (at > end_us) continue;
      auto record = engine::engagement_record(c.id, e.user, e.kind, *c.first_tweet_id);
      record.ts_us = at;
      out.push_back({at, 0, (1ULL << 62) + order++, std::move(record)});
    }
  }
}

void RunCapture::add_failures(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out) {
  std::uint64_t n = 0;
  for (const auto& f : sim.fault_counter().failures()) {
    const std::int64_t at = engine::to_us(f.at);
    if (at > end_us) continue;
    ++n;
    CaptureRecord r{at, "", "", f.campaign, "", ojson::object()};
    if (f.service == "twitter") {
      r.type = "twitter:request:v1:failed";
      r.event_id = "x-failure-" + std::to_string(at) + "-" + std::to_string(n);
      r.payload["status"] = f.status.http;
      r.payload["endpoint"] = f.endpoint;
      if (!f.status.title.empty()) r.payload["title"] = f.status.title;
      if (!f.status.detail.empty()) r.payload["detail"] = f.status.detail;
      if (f.status.rate_limited()) r.payload["rate_limit_reset_us"] = engine::to_us(f.status.rate_limit_reset);
    } else {
      r.type = "hedera:transaction:v1:failed";
      r.event_id = "ledger-failure-" + std::to_string(at) + "-" + std::to_string(n);
      r.payload["status"] = f.ledger_status;
    }
    if (f.apply_effect) r.payload["apply_effect"] = true;
    if (!f.fault.empty()) r.payload["fault"] = f.fault;
    // The line is stamped at the call, not at its answer: replay fails the call made then.
    r.payload["call_ts_us"] = at;
    r.payload["call_nth"] = f.call_nth;
    if (f.engine > 0) r.payload["engine"] = f.engine;
    out.push_back({at, 1, (1ULL << 62) + n, std::move(r)});
  }
}

void RunCapture::add_faults(Simulation& sim, std::int64_t end_us, std::vector<Keyed>& out) {
  std::uint64_t n = 0;
  for (const auto& f : sim.fault_counter().recorded()) {
    const std::int64_t at = engine::to_us(f.at);
    // The harness's reads are not the engine's: a replay's harness reads elsewhere.
    if (at > end_us || !replayed_as_fault_line(f.fault) || SimDisk::harness_subject(f.on)) continue;
    ++n;
    CaptureRecord r{at, "clsim:fault:v1:observed", "fault-" + std::to_string(at) + "-" + std::to_string(n), "", "",
                    {{"fault", f.fault}, {"on", f.on}, {"nth", f.nth}}};
    if (f.engine > 0) r.payload["engine"] = f.engine;
    out.push_back({at, 1, (1ULL << 61) + n, std::move(r)});
  }
}

void RunCapture::add_outcomes(engine::SqliteDb& db, std::vector<Keyed>& out) {
  auto& q = db.prepare("SELECT seq, event_id, type, campaign_id, payload, created_us FROM outbox ORDER BY seq");
  while (q.step()) {
    const std::string type = q.text_at(2);
    if (type.rfind("campaign:", 0) != 0) continue;
    ojson payload = ojson::parse(q.text_at(4));
    payload.erase("campaign_id");
    std::string user = payload.contains("user_id") ? payload["user_id"].get<std::string>() : std::string();
    payload.erase("user_id");
    out.push_back({q.int_at(5), 1, std::uint64_t(q.int_at(0)), {q.int_at(5), type, q.text_at(1), q.text_at(3), user, payload}});
  }
  q.reset();
}

void RunCapture::write(Simulation& sim, CaptureSink& sink) const {
  const WorldConfig& cfg = sim.world().config();
  const std::int64_t end_us = engine::to_us(sim.world().now());
  std::vector<Keyed> out;
  const auto db = sim.open_harness_db();
  add_commands(out);
  add_world_events(sim, out);
  add_engagements(sim, end_us, out);
  add_failures(sim, end_us, out);
  add_faults(sim, end_us, out);
  add_outcomes(*db, out);
  std::stable_sort(out.begin(), out.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.ts_us, a.tier, a.order) < std::tie(b.ts_us, b.tier, b.order);
  });
  sink.world(engine::to_us(cfg.start), cfg.seed, cfg.world);
  for (const auto& k : out) sink.append(k.record);
}

}  // namespace clsim::sim
