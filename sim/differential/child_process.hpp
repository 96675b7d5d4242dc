// Real processes for `clsim differential` and the live tests (redis-server, clsim
// serve, clsim mockd, chromium): each child leads its own process group and dies
// with its parent (PR_SET_PDEATHSIG), its output goes to a log file, and it is
// stopped by its pid and group, never by name. Every wait is bounded in time.
// PR_SET_PDEATHSIG fires when the *thread* that started the child exits, not the
// process: start children from a thread that outlives them (the main thread).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clsim::differential {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with `env` added to the environment;
  // stdout and stderr go to `log_path`. Throws std::runtime_error when fork fails.
  ChildProcess(std::vector<std::string> argv, std::string log_path,
               std::map<std::string, std::string> env = {});
  ~ChildProcess();  // stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // SIGTERM to the group, then SIGKILL after `grace`; reaps the child. Returns
  // its exit status as waitpid reports it (nullopt when it was already reaped).
  std::optional<int> stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // SIGKILL to the group at once (a crash), then reaps.
  void kill9();
  // Waits for the child to exit on its own; nullopt on timeout (it keeps running).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  const std::string& log_path() const { return log_path_; }
  std::string log() const;  // the log file's text, for failure messages
  std::string log_tail(std::size_t lines) const;  // its last `lines` lines

 private:
  std::optional<int> reap(bool block);
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string log_path_;
};

// A fresh directory under the system's temporary directory, removed with its
// contents when the object goes; or a named directory (created when missing)
// that stays, e.g. for --keep DIR.
class TempDir {
 public:
  TempDir();
  // Throws std::runtime_error when `kept_path` cannot be created.
  explicit TempDir(const std::string& kept_path);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
  bool remove_ = true;
};

// Waits (polling every 20 ms, at most `timeout`) for `path` to hold a decimal
// port number, as --port-file writes it. nullopt on timeout or when `child`
// exits first.
std::optional<int> wait_for_port_file(const std::string& path, ChildProcess& child,
                                      std::chrono::milliseconds timeout);
// Waits (bounded) until a unix socket or file exists at `path`.
bool wait_for_path(const std::string& path, ChildProcess& child, std::chrono::milliseconds timeout);

// A started redis-server listening on a unix socket in `dir`, no persistence
// unless `extra` (more redis-server flags, which win) turns it on. A stale socket
// file (a server killed -9) is removed first, so the wait sees the new server's.
// Fails (throws std::runtime_error), never skips, when redis-server is missing.
class RedisServer {
 public:
  explicit RedisServer(const TempDir& dir, const std::string& name = "redis",
                       const std::vector<std::string>& extra = {});
  const std::string& socket_path() const { return socket_; }
  ChildProcess& process() { return *process_; }

 private:
  std::string socket_;
  std::optional<ChildProcess> process_;
};

// The last `lines` lines of a text file ("" when it cannot be read).
std::string file_tail(const std::string& path, std::size_t lines);

// This process's own binary (/proc/self/exe resolved), to start clsim children.
std::string self_binary();

}  // namespace clsim::differential
