#include "sim/differential/live_feeder.hpp"

#include "engine/adapters/live/http/url.hpp"

namespace clsim::differential {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kRetry = 1s;                    // a refused "accepted" command, as the replay retries it
constexpr int kBusyRetriesMax = 5;             // 503: the store was busy
constexpr auto kFirstTweetPoll = 250ms;        // how often an engagement looks for its tweet
constexpr auto kFirstTweetWait = 60s;          // and for how long

std::string path_id(const std::string& id) { return live::url_encode(id); }

// Copies the keys present in `from` to `to`.
void copy_keys(const json& from, json& to, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (from.contains(k)) to[k] = from[k];
}

}  // namespace

ApiRequest api_request(const sim::LogLine& l) {
  const json& p = l.payload;
  const std::string campaign = "/v1/campaigns/" + path_id(l.campaign_id);
  json body = json::object();
  if (l.type == "campaign:create:v1:requested") {
    body["id"] = l.campaign_id;
    copy_keys(p, body, {"owner", "budget", "rates", "duration_us", "claim_window_us", "text"});
    return {"POST", "/v1/campaigns", body};
  }
  if (l.type == "campaign:update:v1:requested") {
    copy_keys(p, body, {"text", "rates", "duration_us", "claim_window_us"});
    if (!l.user_id.empty()) body["by"] = l.user_id;
    return {"PATCH", campaign, body};
  }
  if (l.type == "campaign:publish:v1:requested") return {"POST", campaign + "/publish", {{"by", l.user_id}}};
  if (l.type == "campaign:claim:v1:requested") return {"POST", campaign + "/claims", {{"user_id", l.user_id}}};
  if (l.type == "customer:event:v1:requested") {
    body = {{"event_id", l.event_id}, {"type", p.at("type")}, {"user_id", l.user_id}};
    copy_keys(p, body, {"data"});
    return {"POST", "/v1/events", body};
  }
  if (l.type == "rule_campaign:create:v1:requested") {
    body["id"] = l.campaign_id;
    copy_keys(p, body, {"owner", "budget", "duration_us", "rules"});
    return {"POST", "/v1/rule-campaigns", body};
  }
  // customer:redrive:v1:requested (the workload reader lets no other command through)
  return {"POST", "/v1/dead-letters/" + path_id(p.at("event_id").get<std::string>()) + "/redrive", json::object()};
}

LiveFeeder::LiveFeeder(boost::asio::io_context& io, Endpoint& serve, Endpoint& mockd, const Workload& workload,
                       std::chrono::microseconds match_window)
    : io_(io), serve_(serve), mockd_(mockd), workload_(workload), match_window_(match_window), timer_(io) {}

template <class F>
void LiveFeeder::after(std::chrono::milliseconds delay, F&& f) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
  timer->async_wait([timer, f = std::forward<F>(f)](boost::system::error_code ec) mutable {
    if (!ec) f();
  });
}

void LiveFeeder::start(Clock::time_point start) {
  start_ = start;
  feed_due();
}

// Feeds every line whose time has come, in log order, then waits for the next.
void LiveFeeder::feed_due() {
  const auto now = Clock::now();
  for (; next_ < lines().size(); ++next_) {
    const auto& l = lines()[next_];
    const auto at = start_ + std::chrono::microseconds(workload_.offset_us(l));
    if (at > now) {
      timer_.expires_at(at);
      timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) feed_due();
      });
      return;
    }
    ++pending_;
    if (l.kind == sim::LineKind::command) enqueue(Pending{&l});
    else engagement(l, now + kFirstTweetWait);
  }
}

void LiveFeeder::enqueue(Pending p) {
  queue_.push_back(p);
  pump();
}

void LiveFeeder::pump() {
  if (in_flight_ || queue_.empty()) return;
  in_flight_ = true;
  const Pending p = queue_.front();
  queue_.pop_front();
  const ApiRequest req = api_request(*p.line);
  serve_.call(req.method, req.target, req.body, [this, p](const live::HttpResult& r) {
    in_flight_ = false;
    answered(p, r);
    pump();
  });
}

void LiveFeeder::answered(Pending p, const live::HttpResult& r) {
  const sim::LogLine& l = *p.line;
  if (r.status >= 200 && r.status < 300) {
    if (l.type == "campaign:publish:v1:requested") published_.insert(l.campaign_id);
    --pending_;
    return;
  }
  if (r.status == 503 && p.busy_retries < kBusyRetriesMax) {
    ++p.busy_retries;
    return retry_later(p);
  }
  // Accepted where the log was written but refused here by the engine's rules: most
  // likely a moment early (real latencies are not the recorded ones).
  const bool accepted = l.payload.value("accepted", false);
  if (r.status == 409 && accepted && p.waited + kRetry <= match_window_) {
    p.waited += kRetry;
    return retry_later(p);
  }
  refuse(l, r);
  --pending_;
}

void LiveFeeder::retry_later(Pending p) {
  after(kRetry, [this, p] { enqueue(p); });
}

void LiveFeeder::refuse(const sim::LogLine& line, const live::HttpResult& r) {
  const json body = body_json(r);
  std::string why = r.status == 0 ? "no answer: " + r.error : std::to_string(r.status);
  if (body.is_object() && body.contains("error")) why += " " + body["error"].get<std::string>();
  refused_[line.line] = why;
}

// Waits (bounded) for the campaign's first tweet, as the replay does, then engages.
void LiveFeeder::engagement(const sim::LogLine& line, Clock::time_point deadline) {
  if (const auto it = first_tweet_.find(line.campaign_id); it != first_tweet_.end())
    return post_engagement(line, it->second);
  serve_.call("GET", "/v1/campaigns/" + path_id(line.campaign_id), nullptr,
              [this, &line, deadline](const live::HttpResult& r) {
                const json c = r.status == 200 ? body_json(r) : json();
                if (c.is_object() && c.contains("tweets") && c["tweets"].is_array() && !c["tweets"].empty()) {
                  const std::string tweet = c["tweets"][0].get<std::string>();
                  first_tweet_.emplace(line.campaign_id, tweet);
                  return post_engagement(line, tweet);
                }
                if (Clock::now() >= deadline) {
                  refused_[line.line] = "campaign " + line.campaign_id + " never got a first tweet";
                  --pending_;
                  return;
                }
                after(kFirstTweetPoll, [this, &line, deadline] { engagement(line, deadline); });
              });
}

void LiveFeeder::post_engagement(const sim::LogLine& line, const std::string& tweet_id) {
  const json body = {{"tweet_id", tweet_id}, {"user_id", line.user_id}, {"kind", line.payload.at("kind")}};
  mockd_.call("POST", "/mock/engagements", body, [this, &line](const live::HttpResult& r) {
    if (r.status != 201) refuse(line, r);
    --pending_;
  });
}

}  // namespace clsim::differential
