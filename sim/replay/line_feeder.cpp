#include "sim/replay/line_feeder.hpp"

#include "engine/rules/rule_eval.hpp"
#include "engine/store/sqlite_db.hpp"
#include "mocks/twitter/twitter_config.hpp"
#include "sim/replay/ledger_status.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::json;

engine::Rates rates_of(const json& r) {
  return {engine::Money(r.at("like").get<std::int64_t>()), engine::Money(r.at("retweet").get<std::int64_t>()),
          engine::Money(r.at("quote").get<std::int64_t>()), engine::Money(r.at("reply").get<std::int64_t>())};
}

// Engagements wait this long, in steps, for their campaign's first tweet.
constexpr Duration kEngagementRetry = Duration(1'000'000);
constexpr int kEngagementAttempts = 600;
constexpr Duration kCommandRetry = Duration(1'000'000);
// The engine's event stream (engine/engine_impl.hpp kEventStream, not a public header).
constexpr const char* kEventStream = "campaign-events";
// How long after its logged instant a replayed crash waits for its engine to reach
// the crash point it names before it crashes the engine where it stands.
constexpr Duration kCrashPointWait = Duration(1'000'000);

}  // namespace

void LineFeeder::arm_failures(const std::vector<LogLine>& lines, std::int64_t shift_us, Duration window) {
  for (const auto& l : lines) {
    if (l.repeated) continue;  // a duplicate delivery of a failure line is the same failure
    if (l.type == "engine:crash:v1:observed") arm_crash_point(l, shift_us);
    // A line that knows when its call was made (payload.call_ts_us, what clsim run
    // writes) fails the first matching call from that instant; else production
    // logged it after the call began, somewhere within the window before.
    const auto not_before = l.payload.contains("call_ts_us")
                                ? engine::from_us(l.payload["call_ts_us"].get<std::int64_t>() + shift_us)
                                : engine::from_us(l.ts_us + shift_us) - window;
    if (l.type == "twitter:request:v1:failed") {
      mocks::TwitterScriptedFailure f;
      f.status.http = int(l.payload.at("status").get<std::int64_t>());
      f.status.title = l.payload.value("title", std::string("Replayed failure"));
      f.status.detail = l.payload.value("detail", std::string());
      if (f.status.http == 429)
        f.status.rate_limit_reset = l.payload.contains("rate_limit_reset_us")
                                        ? engine::from_us(l.payload["rate_limit_reset_us"].get<std::int64_t>() + shift_us)
                                        : engine::from_us(l.ts_us + shift_us) + Duration(60'000'000);
      if (l.payload.contains("endpoint")) f.endpoint = l.payload["endpoint"].get<std::string>();
      if (!l.campaign_id.empty()) f.marker = "[" + l.campaign_id + "/";
      f.not_before = not_before;
      f.apply_effect = l.payload.value("apply_effect", false);
      f.fault = l.payload.value("fault", std::string());
      if (l.payload.contains("call_ts_us")) f.call_nth = int(l.payload.value("call_nth", std::int64_t(0)));
      sim_.twitter().inject_next(std::move(f));
    } else if (l.type == "hedera:transaction:v1:failed") {
      mocks::HederaScriptedFailure f;
      f.status = *ledger_status_from(l.payload.at("status").get<std::string>());
      if (!l.campaign_id.empty()) f.memo_contains = "clsim:" + l.campaign_id + ":";
      f.not_before = not_before;
      f.apply_effect = l.payload.value("apply_effect", false);
      f.fault = l.payload.value("fault", std::string());
      if (l.payload.contains("call_ts_us")) f.call_nth = int(l.payload.value("call_nth", std::int64_t(0)));
      sim_.hedera().inject_next(std::move(f));
    }
  }
}

void LineFeeder::feed(const LogLine& l) {
  if (l.kind == LineKind::command && !l.payload.value("accepted", true)) return refused_live(l);
  if (l.kind == LineKind::command) return command(l);
  if (l.type == "twitter:engagement:v1:observed") return engagement(l, kEngagementAttempts);
  if (l.type == "engine:crash:v1:observed") {
    if (!l.repeated) crash(l);
    return;
  }
  if (l.type == "clsim:faults:v1:changed") return faults_changed(l);
  if (l.kind != LineKind::outcome) return;  // API failures were armed up front
  if (l.repeated) return redeliver(l);
  const int k = recorded_count_[{l.campaign_id, l.type}]++;
  ordinal_of_event_[l.event_id] = k;
}

// A command the live engine accepted (`payload.accepted`, what the engine's own
// capture writes) but the replayed world refuses by its rules was most likely met a
// moment early: the replayed mocks' latencies are not the live ones. It is tried
// again each second for up to the match window before it counts as a refusal.
void LineFeeder::command(const LogLine& l, Duration waited) {
  const engine::CommandResult r = apply(l);
  if (r.ok) return;
  const bool accepted_live = l.payload.value("accepted", false);
  if (accepted_live && r.refusal == engine::Refusal::conflict && waited + kCommandRetry <= window_) {
    sim_.world().scheduler().schedule(kCommandRetry, 0, engine::TimerKind::foreground, "replay:command",
                                      [this, l, waited](boost::system::error_code ec) {
                                        if (!ec) command(l, waited + kCommandRetry);
                                      });
    return;
  }
  refuse(l, accepted_live ? r.reason + " (accepted live)" : r.reason);
}

// A command refused live is listed again as refused live too. One refused as
// invalid touched nothing and is not applied; any other read the store before it
// was refused, and those reads count in the logged disk faults, so it is applied
// again: refused again as expected, or listed as accepted here.
void LineFeeder::refused_live(const LogLine& l) {
  const std::string live_reason = l.payload.value("reason", std::string());
  if (l.payload.value("refusal", std::string()) == "invalid") return refuse(l, live_reason + " (refused live too)");
  engine::CommandResult r;
  try {
    r = apply(l);
  } catch (const nlohmann::json::exception&) {
    return refuse(l, "malformed (refused live too)");
  }
  if (r.ok) return refuse(l, "refused live (" + live_reason + "), accepted here");
  refuse(l, r.reason + " (refused live too)");
}

namespace {
bool assigned(const LogLine& l) { return l.payload.value("id_assigned", false); }
}  // namespace

engine::CommandResult LineFeeder::apply(const LogLine& l) {
  const json& p = l.payload;
  engine::CommandResult r;
  if (l.type == "campaign:create:v1:requested") {
    engine::CampaignSpec spec;
    if (!l.campaign_id.empty() && !assigned(l)) spec.id = l.campaign_id;
    spec.owner = p.at("owner").get<std::string>();
    spec.budget = engine::Money(p.at("budget").get<std::int64_t>());
    spec.rates = rates_of(p.at("rates"));
    spec.duration = Duration(p.at("duration_us").get<std::int64_t>());
    spec.claim_window = Duration(p.at("claim_window_us").get<std::int64_t>());
    spec.text = p.value("text", std::string());
    r = sim_.create(spec);
  } else if (l.type == "campaign:update:v1:requested") {
    engine::CampaignUpdate u;
    if (p.contains("text")) u.text = p["text"].get<std::string>();
    if (p.contains("rates")) u.rates = rates_of(p["rates"]);
    if (p.contains("duration_us")) u.duration = Duration(p["duration_us"].get<std::int64_t>());
    if (p.contains("claim_window_us")) u.claim_window = Duration(p["claim_window_us"].get<std::int64_t>());
    std::string by = l.user_id;
    if (by.empty()) {
      const auto c = sim_.reader().campaign(l.campaign_id);
      by = c ? c->owner : std::string();
    }
    r = sim_.update(l.campaign_id, u, by);
  } else if (l.type == "campaign:publish:v1:requested") {
    r = sim_.publish(l.campaign_id, l.user_id);
  } else if (l.type == "campaign:claim:v1:requested") {
    r = sim_.claim(l.campaign_id, l.user_id);
  } else if (l.type == "customer:event:v1:requested") {
    engine::CustomerEvent ev{l.event_id, p.at("type").get<std::string>(), l.user_id,
                             p.contains("data") ? p["data"] : json::object()};
    r = sim_.customer_event(ev);
  } else if (l.type == "rule_campaign:create:v1:requested") {
    engine::RuleCampaignSpec spec;
    if (!l.campaign_id.empty() && !assigned(l)) spec.id = l.campaign_id;
    spec.owner = p.at("owner").get<std::string>();
    spec.budget = engine::Money(p.at("budget").get<std::int64_t>());
    spec.duration = Duration(p.at("duration_us").get<std::int64_t>());
    spec.rules = engine::rules_from_json(p.at("rules"));
    r = sim_.create_rule_campaign(spec);
  } else if (l.type == "customer:redrive:v1:requested") {
    r = sim_.redrive(p.at("event_id").get<std::string>());
  }
  // An id the engine numbered live and numbers otherwise here: every later line
  // names the live one. Listed, never retried (the campaign exists now).
  if (r.ok && assigned(l) && r.id != l.campaign_id) {
    r.ok = false;
    r.refusal = engine::Refusal::unavailable;
    r.reason = "numbered " + r.id + " here, " + l.campaign_id + " live";
  }
  return r;
}

void LineFeeder::engagement(const LogLine& l, int attempts_left) {
  auto known = first_tweet_.find(l.campaign_id);
  if (known == first_tweet_.end()) {
    const auto c = sim_.reader().campaign(l.campaign_id);
    if (c && c->first_tweet_id) known = first_tweet_.emplace(l.campaign_id, *c->first_tweet_id).first;
  }
  if (known == first_tweet_.end()) {
    if (attempts_left <= 0) return refuse(l, "campaign " + l.campaign_id + " never got a first tweet");
    sim_.world().scheduler().schedule(kEngagementRetry, 0, engine::TimerKind::foreground, "replay:engagement",
                                      [this, l, attempts_left](boost::system::error_code ec) {
                                        if (!ec) engagement(l, attempts_left - 1);
                                      });
    return;
  }
  const auto kind = *engine::engagement_kind_from(l.payload.at("kind").get<std::string>());
  if (!sim_.twitter().add_engagement(known->second, l.user_id, kind, sim_.world().now()))
    refuse(l, "engagement already recorded (or unknown tweet)");
}

// A crash line that names its crash point (payload.point, what clsim run writes)
// crashes its engine when it next reaches that point from the logged instant on:
// the run died mid-step, between an outside call and its commit, and a crash at
// the instant alone would land before or after the step.
void LineFeeder::arm_crash_point(const LogLine& l, std::int64_t shift_us) {
  if (!l.payload.contains("point") || !l.payload.value("restart", true)) return;
  CrashOrder order;
  order.point = l.payload["point"].get<std::string>();
  order.engine = int(l.payload.value("engine", std::int64_t(1)));
  order.restart_after = Duration(l.payload.value("restart_after_us", std::int64_t(0)));
  order.not_before = engine::from_us(l.ts_us + shift_us);
  crash_order_of_line_[l.line] = sim_.world().crash_plan().arm(std::move(order));
}

void LineFeeder::crash(const LogLine& l) {
  const int n = int(l.payload.value("engine", std::int64_t(1)));
  if (n > sim_.engine_count()) return refuse(l, "no engine " + std::to_string(n) + " in this world");
  const auto armed = crash_order_of_line_.find(l.line);
  if (armed != crash_order_of_line_.end()) {
    const std::size_t handle = armed->second;
    sim_.world().scheduler().schedule(kCrashPointWait, 0, engine::TimerKind::foreground, "replay:crash",
                                      [this, n, l, handle](boost::system::error_code ec) {
                                        if (!ec && sim_.world().crash_plan().disarm(handle)) crash_now(n, l);
                                      });
    return;
  }
  crash_now(n, l);
}

void LineFeeder::crash_now(int n, const LogLine& l) {
  // "restart": false (an extension clsim writes) leaves the engine down.
  if (!l.payload.value("restart", true)) return sim_.crash(n, std::nullopt);
  sim_.crash(n, Duration(l.payload.value("restart_after_us", std::int64_t(0))));
}

// The run changed its fault knobs: the replay changes the ones it keeps (replay_faults).
void LineFeeder::faults_changed(const LogLine& l) {
  if (l.payload.contains("heal")) return sim_.heal();
  const auto keep = replay_faults(l.payload["set"]);
  if (keep.empty()) return;
  if (const std::string err = sim_.merge_faults(keep); !err.empty()) refuse(l, err);
}

// The engine's own message for this (campaign, type, k), published again: the
// consumers' inbox must treat it as the duplicate it is.
void LineFeeder::redeliver(const LogLine& l) {
  const auto it = ordinal_of_event_.find(l.event_id);
  const int k = it == ordinal_of_event_.end() ? 0 : it->second;
  const auto db = sim_.open_harness_db();
  auto& q = db->prepare("SELECT event_id, type, payload FROM outbox WHERE campaign_id = ? AND type = ? ORDER BY seq");
  q.bind(1, l.campaign_id).bind(2, l.type);
  int i = 0;
  std::vector<std::string> argv;
  while (q.step()) {
    if (i++ != k) continue;
    argv = {"XADD", kEventStream, "*", "event_id", q.text_at(0), "type", q.text_at(1), "payload", q.text_at(2)};
    break;
  }
  q.reset();
  if (argv.empty()) return refuse(l, "the engine has no " + l.type + " of " + l.campaign_id + " to deliver again");
  sim_.redis().execute(argv, sim_.world().now());
}

}  // namespace clsim::sim
