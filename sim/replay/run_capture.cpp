#include "sim/replay/run_capture.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/messaging/capture_records.hpp"
#include "engine/store/sqlite_db.hpp"
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
  for (const char* ev : {"\"ev\":\"campaign_created\"", "\"ev\":\"transition\"", "\"ev\":\"claim_accepted\"",
                         "\"ev\":\"customer_event_accepted\"", "\"ev\":\"engine_crash\"", "\"ev\":\"engine_restart\"",
                         "\"ev\":\"crash_point\""})
    if (line.find(ev) != std::string::npos) return true;
  return false;
}

ojson create_payload(engine::SqliteDb& db, const std::string& id) {
  auto& q = db.prepare(
      "SELECT owner, budget, rate_like, rate_retweet, rate_quote, rate_reply, duration_us, claim_window_us, text "
      "FROM campaigns WHERE id = ?");
  q.bind(1, id);
  ojson p;
  if (q.step())
    p = {{"owner", q.text_at(0)},
         {"budget", q.int_at(1)},
         {"rates", {{"like", q.int_at(2)}, {"retweet", q.int_at(3)}, {"quote", q.int_at(4)}, {"reply", q.int_at(5)}}},
         {"duration_us", q.int_at(6)},
         {"claim_window_us", q.int_at(7)},
         {"text", q.text_at(8)}};
  q.reset();
  return p;
}

// A customer event as accepted, its payload read back from the store.
CaptureRecord customer_event_record(engine::SqliteDb& db, std::int64_t t_us, const nlohmann::json& fields) {
  const std::string ev_id = fields.value("event_id", std::string());
  auto& q = db.prepare("SELECT payload FROM customer_events WHERE event_id = ?");
  q.bind(1, ev_id);
  ojson data = q.step() ? ojson::parse(q.text_at(0)) : ojson::object();
  q.reset();
  return {t_us, "customer:event:v1:requested", ev_id, "", fields.value("user", std::string()),
          {{"type", fields.value("type", std::string())}, {"data", data}}};
}

}  // namespace

void RunCapture::on_trace_line(const std::string& line) {
  if (!wanted(line)) return;
  json j = json::parse(line);
  Seen s{j.value("t_us", std::int64_t(0)), j.value("seq", std::uint64_t(0)), j.value("engine", 0),
         j.value("ev", std::string()), j};
  if (s.ev == "transition" && !(j.value("from", "") == "CREATED" && j.value("to", "") == "PUBLISHING")) return;
  seen_.push_back(std::move(s));
}

void RunCapture::add_traced(Simulation& sim, engine::SqliteDb& db, std::vector<Keyed>& out) const {
  std::map<int, std::int64_t> crashed_at;   // engine -> crash time awaiting its restart
  std::map<int, std::size_t> crash_record;  // engine -> index in out
  std::int64_t last_power_loss_us = -1;
  std::map<int, std::pair<std::int64_t, std::string>> point_of;  // engine -> (time, crash point it fired)
  for (const auto& s : seen_) {
    const std::string id = s.fields.value("campaign", std::string());
    const std::string n = std::to_string(s.seq);
    if (s.ev == "campaign_created") {
      out.push_back({s.t_us, 0, s.seq, {s.t_us, "campaign:create:v1:requested", "cap-" + n, id, "", create_payload(db, id)}});
    } else if (s.ev == "transition") {
      // "publish requested by <user>"
      const std::string reason = s.fields.value("reason", std::string());
      const std::string by = reason.substr(reason.rfind(' ') + 1);
      out.push_back({s.t_us, 0, s.seq, {s.t_us, "campaign:publish:v1:requested", "cap-" + n, id, by, {}}});
    } else if (s.ev == "claim_accepted") {
      out.push_back({s.t_us, 0, s.seq,
                     {s.t_us, "campaign:claim:v1:requested", "cap-" + n, id, s.fields.value("user", std::string()), {}}});
    } else if (s.ev == "customer_event_accepted") {
      out.push_back({s.t_us, 0, s.seq, customer_event_record(db, s.t_us, s.fields)});
    } else if (s.ev == "crash_point") {
      point_of[s.engine] = {s.t_us, s.fields.value("point", std::string())};
    } else if (s.ev == "engine_crash") {
      // A power loss stops every engine at once: one crash line replays it.
      if (sim.lose_unsynced_on_crash() && s.t_us == last_power_loss_us) continue;
      last_power_loss_us = s.t_us;
      crashed_at[s.engine] = s.t_us;
      crash_record[s.engine] = out.size();
      ojson p = {{"engine", s.engine}};
      const auto point = point_of.find(s.engine);
      if (point != point_of.end() && point->second.first == s.t_us) p["point"] = point->second.second;
      point_of.erase(s.engine);
      out.push_back({s.t_us, 0, s.seq, {s.t_us, "engine:crash:v1:observed", "cap-" + n, "", "", std::move(p)}});
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

// The create line already holds the campaign as updated (updates fold in: they
// apply only before publishing), so each accepted update restates those settings:
// the replayed engine takes as many updates as the run's did, with the same end.
void RunCapture::add_updates(engine::SqliteDb& db, std::vector<Keyed>& out) {
  std::map<std::string, std::pair<std::uint64_t, ojson>> creates;  // campaign -> (order, create payload)
  for (const auto& k : out)
    if (k.record.type == "campaign:create:v1:requested") creates[k.record.campaign_id] = {k.order, k.record.payload};
  auto& q = db.prepare("SELECT event_id, campaign_id, payload, created_us FROM outbox WHERE type = ? ORDER BY seq");
  q.bind(1, std::string("campaign:update:v1:success"));
  std::vector<Keyed> updates;
  while (q.step()) {
    const auto create = creates.find(q.text_at(1));
    if (create == creates.end()) continue;
    const ojson done = ojson::parse(q.text_at(2));
    const ojson& spec = create->second.second;
    ojson p = {{"rates", spec.at("rates")}, {"duration_us", spec.at("duration_us")},
               {"claim_window_us", spec.at("claim_window_us")}};
    if (!spec.value("text", std::string()).empty()) p["text"] = spec["text"];
    // Sorted by the create's order: before the publish and any other command at its instant.
    updates.push_back({q.int_at(3), 0, create->second.first,
                       {q.int_at(3), "campaign:update:v1:requested", "cap-" + q.text_at(0), q.text_at(1),
                        done.value("by", std::string()), std::move(p)}});
  }
  q.reset();
  out.insert(out.end(), updates.begin(), updates.end());
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
    out.push_back({at, 1, (1ULL << 62) + n, std::move(r)});
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
  engine::SqliteDb db(Simulation::kDatabase, sim.disk().vfs_name(), false);
  add_traced(sim, db, out);
  add_updates(db, out);
  add_engagements(sim, end_us, out);
  add_failures(sim, end_us, out);
  add_outcomes(db, out);
  std::stable_sort(out.begin(), out.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.ts_us, a.tier, a.order) < std::tie(b.ts_us, b.tier, b.order);
  });
  sink.world(engine::to_us(cfg.start), cfg.seed, cfg.world);
  for (const auto& k : out) sink.append(k.record);
}

}  // namespace clsim::sim
