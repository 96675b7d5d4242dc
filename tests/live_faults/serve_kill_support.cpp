#include "live_faults/serve_kill_support.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace clsim::live_faults {

namespace {

using namespace std::chrono_literals;
constexpr auto kCommandDeadline = 3s;  // one attempt; a killed serve answers nothing
constexpr auto kGiveUpAfter = 60s;     // how long a command is retried before it is a problem

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

SyncResponse serve_get(int port, const std::string& target) {
  return live_test::http_call("127.0.0.1", port, {"GET", target, {}, {}}, kCommandDeadline);
}

SyncResponse serve_send(int port, const std::string& method, const std::string& target, const json& body) {
  return live_test::http_call(
      "127.0.0.1", port,
      {method, target, body.dump(),
       {{"authorization", std::string("Bearer ") + kToken}, {"content-type", "application/json"}}},
      kCommandDeadline);
}

namespace {
TempDir fault_dir() {
  const char* keep = std::getenv("CLSIM_FAULT_KEEP");
  return keep && *keep ? TempDir(std::string(keep)) : TempDir();
}
}  // namespace

FaultWorld::FaultWorld(std::vector<std::pair<std::string, long long>> timing)
    : timing_(std::move(timing)), dir_(fault_dir()) {
  redis_ = std::make_unique<RedisServer>(dir_);
  mockd_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{live_test::clsim_binary(), "mockd", "--listen", "127.0.0.1:0", "--port-file",
                               dir_.file("mockd.port"), "--seed", "11", "--audience", "0"},
      dir_.file("mockd.log"));
  const auto port = live_test::wait_for_port_file(dir_.file("mockd.port"), *mockd_, 20s);
  if (!port) throw std::runtime_error("mockd did not start:\n" + mockd_->log());
  mockd_port_ = *port;
}

FaultWorld::~FaultWorld() {
  for (auto& [name, s] : serves_)
    if (s.process) s.process->stop();
  if (mockd_) mockd_->stop();
  if (redis_) redis_->process().stop();
}

void FaultWorld::start_serve(const std::string& name) {
  Serve& s = serves_[name];
  if (s.process && s.process->running()) throw std::runtime_error("serve " + name + " is already running");
  const std::string port_file = dir_.file("serve-" + name + ".port"), log = dir_.file("serve-" + name + ".log");
  std::remove(port_file.c_str());
  // One log for every incarnation (the child appends), each headed by its number.
  std::ofstream(log, std::ios::app) << "=== " << name << " incarnation " << ++s.incarnation << "\n";
  const std::string mock_url = "http://127.0.0.1:" + std::to_string(mockd_port_);
  std::vector<std::string> argv{live_test::clsim_binary(), "serve", "--db", db_path(), "--listen", "127.0.0.1:0",
                                "--port-file", port_file, "--redis", "unix:" + redis_->socket_path(),
                                "--twitter-url", mock_url, "--ledger-url", mock_url, "--poll-interval-s", "1",
                                "--name", name, "--capture", capture_path(name)};
  for (const auto& [key, us] : timing_) argv.insert(argv.end(), {"--timing", key + "=" + std::to_string(us)});
  // Tokens for a real X or gateway in this shell must not reach a service pointed at mockd.
  s.process = std::make_unique<ChildProcess>(
      argv, log,
      std::map<std::string, std::string>{
          {"CLSIM_TOKEN", kToken}, {"CLSIM_X_USER_TOKENS", ""}, {"CLSIM_X_APP_TOKEN", ""}, {"CLSIM_LEDGER_TOKEN", ""}});
  const auto port = live_test::wait_for_port_file(port_file, *s.process, 20s);
  if (!port) throw std::runtime_error("serve " + name + " did not start:\n" + s.process->log_tail(40));
  s.port = *port;
}

void FaultWorld::kill_serve(const std::string& name) {
  Serve& s = serves_.at(name);
  s.process->kill9();
  s.port = 0;
}

void FaultWorld::stop_serve(const std::string& name) {
  Serve& s = serves_.at(name);
  s.process->stop();
  s.port = 0;
}

int FaultWorld::port(const std::string& name) const {
  const auto it = serves_.find(name);
  return it == serves_.end() ? 0 : it->second.port;
}

std::string FaultWorld::died_on_its_own(const std::string& name) {
  Serve& s = serves_.at(name);
  if (s.port == 0 || s.process->running()) return "";
  s.port = 0;
  return "serve " + name + " exited without being killed (incarnation " + std::to_string(s.incarnation) + "):\n" +
         s.process->log_tail(60);
}

std::string FaultWorld::log_tails() const {
  std::string out = "--- mockd (last lines)\n" + mockd_->log_tail(10);
  for (const auto& [name, s] : serves_)
    if (s.process) out += "--- serve " + name + " (last lines)\n" + s.process->log_tail(40);
  return out;
}

std::string FaultWorld::where() const {
  const char* keep = std::getenv("CLSIM_FAULT_KEEP");
  return keep && *keep ? "files kept in " + dir_.path()
                       : "CLSIM_FAULT_KEEP=DIR keeps the files (logs, captures, database) in DIR";
}

json FaultWorld::mock_state() const { return live_test::http_get(mockd_port_, "/mock/state").json(); }

int FaultWorld::ledger_entries(const std::string& memo) const {
  const auto j = live_test::http_get(mockd_port_, "/api/v1/transactions?memo=" + percent_encode(memo)).json();
  return j.contains("transactions") ? int(j["transactions"].size()) : -1;
}

std::uint64_t fault_seed(std::uint64_t fallback) {
  const char* env = std::getenv("CLSIM_FAULT_SEED");
  return env && *env ? std::strtoull(env, nullptr, 10) : fallback;
}

std::vector<Kill> draw_kills(std::uint64_t seed, int count, int up_min_ms, int up_max_ms, int down_max_ms) {
  // Plain modulo over mt19937_64, whose output the standard fixes: the same seed
  // gives the same plan with any standard library.
  std::mt19937_64 rng(seed);
  std::vector<Kill> kills;
  for (int i = 0; i < count; ++i) {
    const int up = up_min_ms + int(rng() % std::uint64_t(up_max_ms - up_min_ms + 1));
    kills.push_back({up, int(rng() % std::uint64_t(down_max_ms + 1))});
  }
  return kills;
}

std::string describe(std::uint64_t seed, const std::vector<Kill>& kills) {
  std::ostringstream out;
  out << "kill plan: seed " << seed << " (CLSIM_FAULT_SEED=" << seed << " reproduces it), " << kills.size()
      << " kills as up_ms/down_ms after each start:";
  for (const auto& k : kills) out << " " << k.up_ms << "/" << k.down_ms;
  return out.str();
}

KillLoop::KillLoop(FaultWorld& world, std::string name, std::vector<Kill> kills)
    : world_(world), name_(std::move(name)), kills_(std::move(kills)), port_(world_.port(name_)) {
  thread_ = std::thread([this] { run(); });
}

KillLoop::~KillLoop() { stop(); }

void KillLoop::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  restart_if_due();  // a restart the plan asked for last is still made: serve ends up running
}

std::string KillLoop::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void KillLoop::run() {
  auto fail = [&](const std::string& why) {
    std::lock_guard lock(mutex_);
    failure_ = why;
  };
  // Sleeps `ms` unless stopped; watches serve exit on its own meanwhile.
  auto wait = [&](int ms, bool up) {
    const auto until = Clock::now() + Ms(ms);
    while (Clock::now() < until && !stop_) {
      if (up)
        if (auto died = world_.died_on_its_own(name_); !died.empty()) return fail(died), false;
      std::this_thread::sleep_for(5ms);
    }
    return !stop_.load();
  };
  bool down = false;
  for (const auto& k : kills_) {
    if (!wait(k.up_ms, true)) break;
    port_ = 0;
    world_.kill_serve(name_);
    ++kills_done_;
    down = true;
    if (!wait(k.down_ms, false)) break;
    restart_due_ = true;
    while (restart_due_ && !stop_) std::this_thread::sleep_for(2ms);
    down = restart_due_;
    if (stop_ || !failure().empty()) break;
  }
  // Stopped while serve was down: stop() still starts it again, so serve runs after the plan.
  if (down) restart_due_ = true;
  done_ = true;
}

void KillLoop::restart_if_due() {
  if (!restart_due_) return;
  try {
    world_.start_serve(name_);
    port_ = world_.port(name_);
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    failure_ = e.what();
  }
  restart_due_ = false;
}

std::vector<CampaignPlan> make_plans(int count, int failing, long long claim_window_us) {
  static const char* owners[] = {"alice", "bob", "carol", "dave"};
  // Replies are left out: X's search shows them 30 s late, after these campaigns close.
  static const char* kinds[] = {"like", "retweet", "quote"};
  std::vector<CampaignPlan> plans;
  for (int i = 0; i < count; ++i) {
    CampaignPlan p;
    p.id = "c-" + std::to_string(i + 1);
    p.fails = i >= count - failing;
    p.owner = p.fails ? "eve" : owners[i % 4];
    p.budget = p.fails ? 2 * kStartingBalance : 100'000;
    p.duration_us = (8 + i % 8) * 1'000'000LL;
    p.claim_window_us = claim_window_us;
    p.create_at_ms = 200 * i;
    p.publish_at_ms = 3000 + 600 * i;
    for (int u = 0; u < 2 + i % 3; ++u)
      p.engagements.emplace_back("u-" + std::to_string((i + 3 * u) % 12 + 1), kinds[(i + u) % 3]);
    plans.push_back(p);
  }
  return plans;
}

Driver::Driver(FaultWorld& world, std::vector<CampaignPlan> plans, std::function<int(int)> port_for)
    : world_(world), plans_(std::move(plans)), port_for_(std::move(port_for)) {}

bool Driver::finished() const {
  if (!pending_.empty()) return false;
  for (const auto& p : plans_) {
    const auto it = states_.find(p.id);
    if (it == states_.end() || (it->second != "EXPIRED" && it->second != "FAILED")) return false;
  }
  return true;
}

void Driver::tick(Clock::time_point start) {
  const auto elapsed = std::chrono::duration_cast<Ms>(Clock::now() - start).count();
  for (const auto& p : plans_) {
    if (elapsed >= p.create_at_ms && queued_creates_.insert("create " + p.id).second) {
      const json body = {{"id", p.id},
                         {"owner", p.owner},
                         {"budget", p.budget},
                         {"rates", {{"like", 100}, {"retweet", 300}, {"quote", 500}, {"reply", 200}}},
                         {"duration_us", p.duration_us},
                         {"claim_window_us", p.claim_window_us},
                         {"text", "Fault campaign " + p.id}};
      pending_.push_back({"create", p.id, "", "POST", "/v1/campaigns", body});
    }
    if (elapsed >= p.publish_at_ms && queued_creates_.insert("publish " + p.id).second)
      pending_.push_back({"publish", p.id, "", "POST", "/v1/campaigns/" + p.id + "/publish", json::object()});
  }
  // In order, one attempt each: a publish waits until its create is through.
  std::set<std::string> blocked;
  for (auto it = pending_.begin(); it != pending_.end();) {
    bool done = false;
    if (!blocked.count(it->campaign) && it->next_try <= Clock::now()) send(*it, done);
    if (!done) blocked.insert(it->campaign);
    it = done ? pending_.erase(it) : it + 1;
  }
  if (Clock::now() >= next_refresh_) {
    next_refresh_ = Clock::now() + 1s;
    refresh_states();
    engage_and_claim();
  }
}

void Driver::send(Command& c, bool& done) {
  const auto now = Clock::now();
  if (c.first_try == Clock::time_point{}) c.first_try = now;
  const int port = port_for_(attempts_++);
  SyncResponse r;
  if (port != 0) r = serve_send(port, c.method, c.target, c.body);
  const std::string error = r.json().is_object() ? r.json().value("error", "") : "";
  // Before its claim window a claim is refused with the state (CLOSED): not yet, not never.
  const bool early_claim = c.kind == "claim" && r.status == 409 && error.find("is CLOSED") != std::string::npos;
  if (r.status >= 200 && r.status < 300) {
    done = true;
    if (c.kind == "claim") accepted_claims_.insert({c.campaign, c.user});
  } else if (r.status == 0 || r.status == 503 || early_claim) {
    ++(port == 0 ? held_ : r.status == 0 ? unanswered_ : r.status == 503 ? busy_ : early_);
    if (r.status == 0 && port != 0) c.unknown_outcome = true;
    c.next_try = now + 200ms;
    if (now - c.first_try > kGiveUpAfter) {
      problems_.push_back(c.kind + " " + c.campaign + " " + c.user + ": no answer for 60 s (" + r.error + ")");
      done = true;
    }
  } else {
    done = true;
    // After an attempt without an answer, a 409 is that attempt's own effect (the
    // id is taken, the publish or claim is in); the end checks judge it. A claim
    // may also come after its window once kills delayed it. Anything else is wrong.
    if (!c.unknown_outcome && c.kind != "claim")
      problems_.push_back(c.kind + " " + c.campaign + " refused " + std::to_string(r.status) + ": " + r.body);
  }
}

std::string Driver::unfinished() const {
  std::string out;
  const int port = port_for_(0);
  for (const auto& p : plans_) {
    const auto it = states_.find(p.id);
    if (it != states_.end() && (it->second == "EXPIRED" || it->second == "FAILED")) continue;
    out += (port ? serve_get(port, "/v1/campaigns/" + p.id).body : p.id + " (no serve up)") + "\n";
  }
  return out;
}

std::string Driver::retry_summary() const {
  return "command attempts held while serve was down " + std::to_string(held_) + ", unanswered " +
         std::to_string(unanswered_) + ", 503 " + std::to_string(busy_) + ", claims before the window " +
         std::to_string(early_);
}

void Driver::refresh_states() {
  const int port = port_for_(attempts_++);
  if (port == 0) return;
  const auto list = serve_get(port, "/v1/campaigns").json();
  if (!list.contains("campaigns")) return;
  for (const auto& c : list["campaigns"]) states_[c["id"].get<std::string>()] = c["state"].get<std::string>();
}

void Driver::engage_and_claim() {
  const auto mock = world_.mock_state();
  for (const auto& p : plans_) {
    if (!engaged_.count(p.id) && mock.contains("tweets")) {
      for (const auto& t : mock["tweets"]) {
        if (t["text"].get<std::string>().find("[" + p.id + "/1]") == std::string::npos) continue;
        for (const auto& [user, kind] : p.engagements)
          live_test::http_post(world_.mockd_port(), "/mock/engagements",
                               {{"tweet_id", t["id"]}, {"user_id", user}, {"kind", kind}});
        engaged_.insert(p.id);
      }
    }
    if (states_[p.id] != "REWARD_CLAIM" || claims_queued_.count(p.id)) continue;
    const int port = port_for_(attempts_++);
    const auto c = port ? serve_get(port, "/v1/campaigns/" + p.id).json() : json();
    if (!c.contains("rewards") || c["rewards"].empty()) continue;
    claims_queued_.insert(p.id);
    // All but the last rewarded user claim, so the expiry has something to return.
    for (std::size_t i = 0; i + 1 < c["rewards"].size(); ++i) {
      const std::string user = c["rewards"][i]["user"];
      pending_.push_back({"claim", p.id, user, "POST", "/v1/campaigns/" + p.id + "/claims", {{"user_id", user}}});
    }
  }
}

}  // namespace clsim::live_faults
