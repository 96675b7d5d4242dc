#include "live/live_stack.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace clsim::live_test {

namespace {
std::vector<std::string> redis_flags(const LiveStackOptions& o) {
  if (!o.redis_aof) return {};
  return {"--appendonly", "yes", "--appendfsync", "always"};
}
}  // namespace

LiveStack::LiveStack(LiveStackOptions options) : options_(std::move(options)) {
  redis_ = std::make_unique<RedisServer>(dir_, "redis", redis_flags(options_));
  std::vector<std::string> mockd{clsim_binary(), "mockd", "--listen", "127.0.0.1:0", "--port-file", dir_.file("mockd.port"),
                                 "--seed", "7", "--audience", std::to_string(options_.audience), "--engage-probability",
                                 std::to_string(options_.engage_probability)};
  if (!options_.mockd_faults.empty()) {
    std::ofstream(dir_.file("faults.lua")) << options_.mockd_faults;
    mockd.insert(mockd.end(), {"--faults", dir_.file("faults.lua")});
  }
  mockd_ = std::make_unique<ChildProcess>(mockd, dir_.file("mockd.log"));
  const auto mp = wait_for_port_file(dir_.file("mockd.port"), *mockd_, std::chrono::seconds(20));
  if (!mp) throw std::runtime_error("mockd did not start:\n" + logs());
  mockd_port_ = *mp;
  start_serve();
}

void LiveStack::start_serve() {
  if (serve_) serve_->kill9();  // a no-op when it is gone already
  serve_.reset();
  std::remove(dir_.file("serve.port").c_str());  // else the old port is read back at once
  const std::string mock_url = "http://127.0.0.1:" + std::to_string(mockd_port_);
  std::vector<std::string> argv{clsim_binary(), "serve", "--db", dir_.file("campaigns.db"), "--listen", "127.0.0.1:0",
                                "--port-file", dir_.file("serve.port"), "--redis", "unix:" + redis_->socket_path(),
                                "--twitter-url", mock_url, "--ledger-url", mock_url, "--poll-interval-s",
                                options_.poll_interval_s, "--capture", capture_path()};
  argv.insert(argv.end(), options_.serve_extra.begin(), options_.serve_extra.end());
  serve_ = std::make_unique<ChildProcess>(argv, dir_.file("serve.log"),
                                          std::map<std::string, std::string>{{"CLSIM_TOKEN", options_.token}});
  const auto sp = wait_for_port_file(dir_.file("serve.port"), *serve_, std::chrono::seconds(20));
  if (!sp) throw std::runtime_error("serve did not start:\n" + logs());
  serve_port_ = *sp;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (get("/readyz").status != 200) {
    if (std::chrono::steady_clock::now() > until || !serve_->running())
      throw std::runtime_error("serve never became ready:\n" + logs());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

LiveStack::~LiveStack() {
  if (serve_) serve_->stop();
  if (mockd_) mockd_->stop();
}

void LiveStack::kill_redis() { redis_->process().kill9(); }

void LiveStack::restart_redis() {
  redis_->process().kill9();  // a no-op when it is gone already
  redis_.reset();
  redis_ = std::make_unique<RedisServer>(dir_, "redis", redis_flags(options_));
}

SyncResponse LiveStack::post(const std::string& target, const nlohmann::json& body) {
  return http_post(serve_port_, target, body, {{"authorization", "Bearer " + options_.token}});
}

SyncResponse LiveStack::patch(const std::string& target, const nlohmann::json& body) {
  return http_call("127.0.0.1", serve_port_,
                   SyncRequest{"PATCH", target, body.dump(),
                               {{"authorization", "Bearer " + options_.token}, {"content-type", "application/json"}}});
}

nlohmann::json LiveStack::poll_until(const std::string& target, const std::function<bool(const nlohmann::json&)>& pred,
                                     std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < until) {
    last = get(target).json();
    if (!last.is_null() && pred(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

std::string LiveStack::logs() const {
  std::string out;
  for (const auto* p : {redis_ ? &redis_->process() : nullptr, mockd_.get(), serve_.get()})
    if (p) out += "--- " + p->log_path() + "\n" + p->log() + "\n";
  return out;
}

}  // namespace clsim::live_test
