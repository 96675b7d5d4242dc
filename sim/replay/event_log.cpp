#include "sim/replay/event_log.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/core/time.hpp"
#include "engine/names.hpp"
#include "sim/replay/log_fields.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::json;

const std::map<std::string, std::string>& hashbuzz_names() {
  static const std::map<std::string, std::string> kNames = {
      {"CAMPAIGN_PUBLISH_CONTENT", "campaign:first_tweet:v1:requested"},
      {"CAMPAIGN_PUBLISH_DO_SM_TRANSACTION", "campaign:contract:v1:requested"},
      {"CAMPAIGN_PUBLISH_SECOND_CONTENT", "campaign:second_tweet:v1:requested"},
      {"CAMPAIGN_CLOSE_OPERATION", "campaign:close:v1:requested"},
      {"CAMPAIGN_PUBLISH_ERROR", "campaign:publish:v1:failed"},
      {"CAMPAIGN_CLOSING_ERROR", "campaign:close:v1:failed"},
      {"CAMPAIGN_CONTRACT_ERROR", "campaign:contract:v1:failed"},
      {"CAMPAIGN_CLOSED", "campaign:close:v1:success"},
      {"CAMPAIGN_BUDGET_REFUND", "campaign:refund:v1:success"},
      {"CAMPAIGN_RATE_UPDATED", "campaign:update:v1:success"},
  };
  return kNames;
}

bool is_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// {service}:{action}:v{version}:{state}
bool well_formed(const std::string& t, std::array<std::string, 4>& parts) {
  std::size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t end = i == 3 ? t.size() : t.find(':', start);
    if (end == std::string::npos) return false;
    parts[std::size_t(i)] = t.substr(start, end - start);
    start = end + 1;
  }
  const std::string& v = parts[2];
  return is_word(parts[0]) && is_word(parts[1]) && is_word(parts[3]) && v.size() > 1 && v[0] == 'v' &&
         v.find_first_not_of("0123456789", 1) == std::string::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::int64_t read_time(const LineFields& f) {
  if (f.obj.contains("ts_us")) return f.integer("ts_us");
  if (f.obj.contains("ts")) {
    const std::string ts = f.string("ts");
    engine::TimePoint t{};
    if (!engine::parse_rfc3339(ts, t)) f.fail("ts: not an RFC 3339 UTC time: '" + ts + "'");
    return engine::to_us(t);
  }
  f.fail("missing field ts_us (or ts)");
}

}  // namespace

std::string canonical_type(const std::string& type) {
  const auto& names = hashbuzz_names();
  const auto it = names.find(type);
  return it == names.end() ? type : it->second;
}

std::optional<LineKind> kind_of(const std::string& t) {
  static const std::set<std::string> kCommands = {
      "campaign:create:v1:requested", "campaign:update:v1:requested", "campaign:publish:v1:requested",
      "campaign:claim:v1:requested", "customer:event:v1:requested", "rule_campaign:create:v1:requested",
      "customer:redrive:v1:requested"};
  static const std::set<std::string> kObservations = {
      "twitter:engagement:v1:observed", "twitter:request:v1:failed", "hedera:transaction:v1:failed",
      "engine:crash:v1:observed", "clsim:faults:v1:changed", "clsim:fault:v1:observed"};
  if (kCommands.count(t)) return LineKind::command;
  if (kObservations.count(t)) return LineKind::observation;
  std::array<std::string, 4> parts;
  if (well_formed(t, parts) && parts[0] == "campaign" &&
      std::find(engine::kCampaignActions.begin(), engine::kCampaignActions.end(), parts[1]) !=
          engine::kCampaignActions.end())
    return LineKind::outcome;
  return std::nullopt;
}

namespace {

// One line's JSON object; a LogError naming the line otherwise.
json parse_object(std::string_view body, const std::string& where) {
  json obj;
  try {
    obj = json::parse(body);
  } catch (const json::parse_error& e) {
    throw LogError(where + "malformed JSON: " + e.what());
  }
  if (!obj.is_object()) throw LogError(where + "malformed line: expected a JSON object");
  return obj;
}

WorldLine read_world_line(const LineFields& f, int number, std::int64_t ts, std::string_view body) {
  WorldLine w{number, ts, 1, nlohmann::ordered_json::object(), std::string(body)};
  const json payload = f.object_or_empty("payload");
  const LineFields p{payload, f.where, "payload."};
  if (payload.contains("seed")) w.seed = std::uint64_t(p.integer("seed", 0));
  if (payload.contains("world")) w.world = nlohmann::ordered_json::parse(p.object("world").dump());
  return w;
}

LogLine read_log_line(const LineFields& f, int number, std::int64_t ts, std::string canonical, LineKind kind,
                      std::string_view body) {
  LogLine l;
  l.line = number;
  l.ts_us = ts;
  l.type = std::move(canonical);
  l.kind = kind;
  l.event_id = f.string("event_id");
  l.campaign_id = f.optional_string("campaign_id");
  l.user_id = f.optional_string("user_id");
  l.payload = f.object_or_empty("payload");
  l.text = std::string(body);
  if (l.payload.contains("accepted") && !l.payload["accepted"].is_boolean())
    f.fail("field payload.accepted must be true or false, got " + l.payload["accepted"].dump());
  // A command the engine refused is a record of what it was asked, as asked: its
  // fields may be missing or malformed (that may be why it was refused).
  if (kind == LineKind::command && !l.payload.value("accepted", true)) return l;
  check_payload(l, f);
  return l;
}

// Reads a log line by line, holding what the order rules need: the world line
// comes first, times never go back, a repeated event_id is a duplicate delivery.
class LogReader {
 public:
  LogReader(const std::string& file, bool lenient) : lenient_(lenient) { log_.file = file; }

  void line(std::string_view body, int number) {
    const std::string where = log_.file + ":" + std::to_string(number) + ": ";
    const json obj = parse_object(body, where);
    const LineFields f{obj, where};
    const std::string type = f.string("type");
    const std::int64_t ts = read_time(f);
    if (type == kWorldConfigType) {
      if (any_line_) f.fail(std::string(kWorldConfigType) + " must be the first line of the log");
      log_.config = read_world_line(f, number, ts, body);
      advance(number, ts);
      return;
    }
    const std::string canonical = canonical_type(type);
    const auto kind = kind_of(canonical);
    if (!kind) {
      if (!lenient_) f.fail("unknown event type '" + type + "' (--lenient skips it)");
      log_.skipped.push_back(where + "unknown event type '" + type + "' skipped");
      return;
    }
    if (any_line_ && ts < prev_ts_)
      f.fail("timestamp " + std::to_string(ts) + " goes backwards: line " + std::to_string(prev_line_) + " has " +
             std::to_string(prev_ts_));
    LogLine l = read_log_line(f, number, ts, canonical, *kind, body);
    auto [it, fresh] = seen_ids_.emplace(l.event_id, number);
    l.repeated = !fresh;
    log_.lines.push_back(std::move(l));
    advance(number, ts);
  }

  EventLog take() { return std::move(log_); }

 private:
  void advance(int number, std::int64_t ts) {
    any_line_ = true;
    prev_line_ = number;
    prev_ts_ = ts;
  }

  EventLog log_;
  bool lenient_;
  std::map<std::string, int> seen_ids_;
  int prev_line_ = 0;
  std::int64_t prev_ts_ = 0;
  bool any_line_ = false;
};

}  // namespace

EventLog parse_event_log(std::string_view text, const std::string& file, bool lenient) {
  LogReader reader(file, lenient);
  int number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    const std::string_view body = trim(raw);
    if (body.empty() || body.front() == '#') continue;
    reader.line(body, number);
  }
  return reader.take();
}

EventLog read_event_log(const std::string& path, bool lenient) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LogError(path + ":0: cannot read the log file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_event_log(buf.str(), path, lenient);
}

}  // namespace clsim::sim
