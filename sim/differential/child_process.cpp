#include "sim/differential/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace clsim::differential {

namespace {

constexpr auto kPoll = std::chrono::milliseconds(20);

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& log_path,
                             const std::map<std::string, std::string>& env, pid_t parent) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the test died before prctl took effect
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
  ::_exit(127);
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string log_path,
                           std::map<std::string, std::string> env)
    : log_path_(std::move(log_path)) {
  if (argv.empty()) throw std::runtime_error("ChildProcess: empty argv");
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) exec_child(argv, log_path_, env, parent);
  ::setpgid(pid_, pid_);  // also from the parent, so a kill right away finds the group
}

ChildProcess::~ChildProcess() { stop(); }

std::optional<int> ChildProcess::reap(bool block) {
  if (reaped_) return std::nullopt;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    reaped_ = true;
    status_ = status;
    // What the child left in its group (e.g. a browser's helpers) goes too.
    ::kill(-pid_, SIGKILL);
    return status;
  }
  return std::nullopt;
}

bool ChildProcess::running() {
  if (reaped_) return false;
  return !reap(false).has_value() && !reaped_;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout; // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  while (!reaped_) {
    if (auto s = reap(false)) return s;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt; // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
    std::this_thread::sleep_for(kPoll); // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  }
  return status_;
}

std::optional<int> ChildProcess::stop(std::chrono::milliseconds grace) {
  if (reaped_ || pid_ <= 0) return std::nullopt;
  ::kill(-pid_, SIGTERM);
  ::kill(pid_, SIGTERM);
  if (auto s = wait_exit(grace)) return s;
  kill9();
  return status_;
}

void ChildProcess::kill9() {
  if (reaped_ || pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  reap(true);
}

std::string ChildProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ChildProcess::log_tail(std::size_t lines) const { return file_tail(log_path_, lines); }

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "clsim-live-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  path_ = tmpl;
}

TempDir::TempDir(const std::string& kept_path) : path_(kept_path), remove_(false) {
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
  if (ec || !std::filesystem::is_directory(path_))
    throw std::runtime_error("cannot create the directory " + path_ + (ec ? ": " + ec.message() : ""));
}

TempDir::~TempDir() {
  if (!remove_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::optional<int> wait_for_port_file(const std::string& path, ChildProcess& child,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout; // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  while (std::chrono::steady_clock::now() < deadline) { // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
    std::ifstream in(path);
    int port = 0;
    if (in >> port && port > 0 && port < 65536) return port;
    if (!child.running()) return std::nullopt;
    std::this_thread::sleep_for(kPoll); // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  }
  return std::nullopt;
}

bool wait_for_path(const std::string& path, ChildProcess& child, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout; // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  while (std::chrono::steady_clock::now() < deadline) { // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return true;
    if (!child.running()) return false;
    std::this_thread::sleep_for(kPoll); // clsim-allow-nondeterminism: a bounded wait on real child processes (live side only)
  }
  return false;
}

RedisServer::RedisServer(const TempDir& dir, const std::string& name, const std::vector<std::string>& extra)
    : socket_(dir.file(name + ".sock")) {
  std::vector<std::string> argv{"redis-server", "--port", "0", "--unixsocket", socket_, "--unixsocketperm", "700",
                                "--save", "", "--appendonly", "no", "--dir", dir.path()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  ::unlink(socket_.c_str());
  process_.emplace(argv, dir.file(name + ".log"));
  if (!wait_for_path(socket_, *process_, std::chrono::seconds(10)))
    throw std::runtime_error("redis-server did not start (is it installed?): " + process_->log());
}

std::string file_tail(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::size_t start = text.size();
  // Past a final newline, then back over `lines` more.
  if (start > 0 && text[start - 1] == '\n') --start;
  for (std::size_t seen = 0; start > 0; --start)
    if (text[start - 1] == '\n' && ++seen == lines) break;
  return text.substr(start);
}

std::string self_binary() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot read /proc/self/exe: " + ec.message());
  return path.string();
}

}  // namespace clsim::differential
