#include "sim/differential/workload.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "engine/options_json.hpp"

namespace clsim::differential {

namespace {

constexpr const char* kEngagement = "twitter:engagement:v1:observed";

[[noreturn]] void fail(const std::string& file, int line, const std::string& what) {
  throw sim::LogError(file + ":" + std::to_string(line) + ": " + what);
}

// The world keys both worlds can be given alike. The audience is off on both sides
// and the dashboard clients exist only in the simulator, so those two are ignored.
void check_world(const sim::EventLog& log, Workload& w) {
  if (!log.config) return;
  const auto& world = log.config->world;
  const int line = log.config->line;
  for (auto it = world.begin(); it != world.end(); ++it) {
    const std::string& key = it.key();
    if (key == "engines") {
      if (!it.value().is_number_integer() || it.value().get<std::int64_t>() != 1)
        fail(log.file, line, "world.engines: clsim differential runs one engine, got " + it.value().dump());
    } else if (key == "engine") {
      engine::EngineOptions probe;
      if (const auto err = engine::apply_timing(probe, it.value()); !err.empty()) fail(log.file, line, "world." + err);
      w.timing = it.value();
    } else if (key != "audience" && key != "clients") {
      fail(log.file, line,
           "world." + key + ": the live side cannot be given it (a workload's world takes engines = 1, engine, "
           "audience, clients)");
    }
  }
  w.seed = log.config->seed;
}

// Lines of the two kinds the live side can be fed, creates with their ids, and
// engagements with a campaign created before them.
void check_lines(const sim::EventLog& log, Workload& w) {
  std::set<std::string> social, rules;
  for (const auto& l : log.lines) {
    if (l.kind != sim::LineKind::command && l.type != kEngagement)
      fail(log.file, l.line,
           "clsim differential feeds commands and " + std::string(kEngagement) + " lines only, got '" + l.type + "'");
    const bool create = l.type == "campaign:create:v1:requested";
    if ((create || l.type == "rule_campaign:create:v1:requested") && l.campaign_id.empty())
      fail(log.file, l.line, "missing field campaign_id (both worlds must give the campaign the same id)");
    if (create && social.insert(l.campaign_id).second) w.campaigns.push_back(l.campaign_id);
    if (l.type == "rule_campaign:create:v1:requested" && rules.insert(l.campaign_id).second)
      w.rule_campaigns.push_back(l.campaign_id);
    if (l.type == kEngagement && !social.count(l.campaign_id))
      fail(log.file, l.line, "an engagement with " + l.campaign_id + ", which no earlier line creates");
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::LogError(path + ":0: cannot read the workload file");
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

Workload read_workload(const std::string& path) {
  Workload w;
  w.text = read_text(path);
  w.log = sim::parse_event_log(w.text, path, /*lenient=*/false);
  check_world(w.log, w);
  check_lines(w.log, w);
  w.start_us = w.log.config ? w.log.config->ts_us : w.log.lines.empty() ? 0 : w.log.lines.front().ts_us;
  return w;
}

}  // namespace clsim::differential
