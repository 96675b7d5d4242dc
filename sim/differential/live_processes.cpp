#include "sim/differential/live_processes.hpp"

#include <chrono>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "sim/differential/endpoint.hpp"
#include "sim/differential/interrupt.hpp"

namespace clsim::differential {

namespace {

using namespace std::chrono_literals;
constexpr auto kStartTimeout = 20s;
constexpr std::size_t kTailLines = 20;

// The port a child writes once listening; nullopt when it exits or the time is up.
std::optional<int> port_of(const std::string& path, ChildProcess& child) {
  const auto until = std::chrono::steady_clock::now() + kStartTimeout; // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  while (std::chrono::steady_clock::now() < until) { // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
    if (interrupted()) throw Interrupted{};
    if (auto port = wait_for_port_file(path, child, 200ms)) return port;
    if (!child.running()) return std::nullopt;
  }
  return std::nullopt;
}

// A bench program starts the clsim binary beside it; clsim itself starts itself.
std::string binary_of(const StackOptions& options) {
  return options.binary.empty() ? self_binary() : options.binary;
}

}  // namespace

LiveProcesses::LiveProcesses(const TempDir& dir, const StackOptions& options) : dir_(dir) {
  try {
    redis_ = std::make_unique<RedisServer>(dir_);
  } catch (const std::runtime_error&) {
    throw StackError(std::string("redis-server did not start (is it installed? cmake/install-deps.sh installs it)\n") +
                     log_tails(kTailLines));
  }
  if (interrupted()) throw Interrupted{};
  start_mockd(options);
  start_serve(options);
  wait_ready(options);
}

LiveProcesses::~LiveProcesses() { stop(); }

void LiveProcesses::start_mockd(const StackOptions& options) {
  mockd_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary_of(options), "mockd", "--listen", "127.0.0.1:0", "--port-file",
                               dir_.file("mockd.port"), "--seed", std::to_string(options.seed), "--audience", "0"},
      dir_.file("mockd.log"));
  const auto port = port_of(dir_.file("mockd.port"), *mockd_);
  if (!port) throw StackError("clsim mockd did not start\n" + log_tails(kTailLines));
  mockd_port_ = *port;
}

void LiveProcesses::start_serve(const StackOptions& options) {
  const std::string mock_url = "http://127.0.0.1:" + std::to_string(mockd_port_);
  std::vector<std::string> argv{binary_of(options), "serve", "--db", dir_.file("campaigns.db"), "--listen", "127.0.0.1:0",
                                "--port-file", dir_.file("serve.port"), "--redis", "unix:" + redis_->socket_path(),
                                "--twitter-url", mock_url, "--ledger-url", mock_url, "--capture", capture_path()};
  for (auto it = options.timing.begin(); it != options.timing.end(); ++it)
    argv.insert(argv.end(), {"--timing", it.key() + "=" + std::to_string(it.value().get<std::int64_t>())});
  // Tokens for a real X or gateway in this shell must not reach a service pointed at mockd.
  const std::map<std::string, std::string> env{{"CLSIM_TOKEN", options.token},
                                               {"CLSIM_X_USER_TOKENS", ""},
                                               {"CLSIM_X_APP_TOKEN", ""},
                                               {"CLSIM_LEDGER_TOKEN", ""}};
  serve_ = std::make_unique<ChildProcess>(argv, dir_.file("serve.log"), env);
  const auto port = port_of(dir_.file("serve.port"), *serve_);
  if (!port) throw StackError("clsim serve did not start\n" + log_tails(kTailLines));
  serve_port_ = *port;
}

void LiveProcesses::wait_ready(const StackOptions& options) {
  boost::asio::io_context io;
  Endpoint serve(io, serve_port_, options.token);
  const auto until = std::chrono::steady_clock::now() + kStartTimeout; // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  while (serve.call_now("GET", "/readyz").status != 200) {
    if (interrupted()) throw Interrupted{};
    if (std::chrono::steady_clock::now() > until || !serve_->running()) // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
      throw StackError("clsim serve never became ready\n" + log_tails(kTailLines));
    std::this_thread::sleep_for(100ms); // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  }
}

std::string LiveProcesses::log_tails(std::size_t lines) const {
  std::string out;
  const ChildProcess* all[] = {redis_ ? &redis_->process() : nullptr, mockd_.get(), serve_.get()};
  for (const auto* p : all)
    if (p) out += "--- " + p->log_path() + " (last lines)\n" + p->log_tail(lines);
  if (!redis_) out += "--- " + dir_.file("redis.log") + " (last lines)\n" + file_tail(dir_.file("redis.log"), lines);
  return out;
}

void LiveProcesses::check_running() {
  const std::pair<const char*, ChildProcess*> all[] = {
      {"redis-server", &redis_->process()}, {"clsim mockd", mockd_.get()}, {"clsim serve", serve_.get()}};
  for (const auto& [name, p] : all)
    if (!p->running()) throw StackError(std::string(name) + " exited during the run\n" + log_tails(kTailLines));
}

void LiveProcesses::stop() {
  if (serve_) serve_->stop();
  if (mockd_) mockd_->stop();
  if (redis_) redis_->process().stop();
}

}  // namespace clsim::differential
