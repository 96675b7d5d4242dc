// Test-only: starts Debian's redis-server on a Unix socket in a fresh temporary
// directory (no persistence) and talks RESP2 to it over a blocking socket, so the
// differential test can hold RedisMock's replies against the real server's.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "mocks/redis/reply.hpp"

namespace clsim::mocks::testing {

class RedisTestServer {
 public:
  // Throws std::runtime_error (a test failure, not a skip) when the server cannot start.
  explicit RedisTestServer(const std::string& binary = "/usr/bin/redis-server") {
    char dir_template[] = "/tmp/clsim-redis-XXXXXX";
    if (!mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    socket_path_ = dir_ + "/redis.sock";
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(out[1], STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      if (chdir(dir_.c_str()) != 0) _exit(126);
      execl(binary.c_str(), binary.c_str(), "--port", "0", "--unixsocket", socket_path_.c_str(), "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--loglevel", "notice", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    log_fd_ = out[0];
    // Block on the server's own log until it says it is ready: no polling, no sleep.
    // 7.0 logs "Ready to accept connections", or with a Unix socket only
    // "The server is now ready to accept connections at <path>".
    std::string log;
    char buf[512];
    while (log.find("eady to accept connections") == std::string::npos) {
      const ssize_t n = read(log_fd_, buf, sizeof buf);
      if (n <= 0) {
        stop();
        throw std::runtime_error("redis-server (" + binary + ") did not start: " + log);
      }
      log.append(buf, std::size_t(n));
    }
  }
  ~RedisTestServer() { stop(); }
  RedisTestServer(const RedisTestServer&) = delete;
  RedisTestServer& operator=(const RedisTestServer&) = delete;

  const std::string& socket_path() const { return socket_path_; }

 private:
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (log_fd_ >= 0) close(log_fd_), log_fd_ = -1;
    if (!dir_.empty()) {
      unlink(socket_path_.c_str());
      rmdir(dir_.c_str());
      dir_.clear();
    }
  }

  std::string dir_, socket_path_;
  pid_t pid_ = -1;
  int log_fd_ = -1;
};

class RespClient {
 public:
  explicit RespClient(const std::string& socket_path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long");
    socket_path.copy(addr.sun_path, socket_path.size());
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot connect to " + socket_path);
  }
  ~RespClient() {
    if (fd_ >= 0) close(fd_);
  }
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  Reply command(const std::vector<std::string>& argv) {
    std::string out = "*" + std::to_string(argv.size()) + "\r\n";
    for (const auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    for (std::size_t sent = 0; sent < out.size();) {
      const ssize_t n = send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("write to redis failed");
      sent += std::size_t(n);
    }
    return read_reply();
  }

 private:
  char next() {
    if (pos_ == buf_.size()) {
      buf_.resize(4096);
      const ssize_t n = read(fd_, buf_.data(), buf_.size());
      if (n <= 0) throw std::runtime_error("redis closed the connection");
      buf_.resize(std::size_t(n));
      pos_ = 0;
    }
    return buf_[pos_++];
  }
  std::string line() {
    std::string s;
    for (char c = next(); c != '\r'; c = next()) s += c;
    next();  // '\n'
    return s;
  }
  Reply read_reply() {
    const char type = next();
    const std::string head = line();
    switch (type) {
      case '+': return Reply::simple(head);
      case '-': return Reply::error(head);
      case ':': return Reply::integer_of(std::stoll(head));
      case '$': {
        const long long len = std::stoll(head);
        if (len < 0) return Reply::nil();
        std::string s;
        for (long long i = 0; i < len; ++i) s += next();
        next(), next();  // CRLF
        return Reply::bulk(s);
      }
      case '*': {
        const long long len = std::stoll(head);
        if (len < 0) return Reply::nil_array();
        std::vector<Reply> items;
        for (long long i = 0; i < len; ++i) items.push_back(read_reply());
        return Reply::array(std::move(items));
      }
      default: throw std::runtime_error(std::string("unexpected RESP type byte ") + type);
    }
  }

  int fd_ = -1;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
};

}  // namespace clsim::mocks::testing
