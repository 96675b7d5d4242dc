#include "sim/cli/child_runs.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/swarm/random_run.hpp"

extern char** environ;

namespace clsim::cli {

namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;  // clsim-allow-nondeterminism: CLI wall-time limits, never simulation

// One child run: which seed, where its report goes, when it started.
struct Child {
  pid_t pid = 0;
  const SeedRun* run = nullptr;
  std::string report_path;
  Clock::time_point started;
};

pid_t spawn_child(const ChildRunSpec& spec, const SeedRun& run, const std::string& report_path) {
  std::vector<std::string> args = {"clsim", "run", spec.random ? "--random" : spec.scenario, "--seed",
                                   std::to_string(run.seed), "--quiet", "--report", report_path};
  for (const auto& m : spec.mutations.names()) args.insert(args.end(), {"--mutate", m});
  if (spec.random)
    for (const auto& a : sim::bias_argv(run.bias)) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(rc));
  return pid;
}

// The report a finished child left, or a stand-in naming what went wrong.
json collect(const ChildRunSpec& spec, const Child& c, int status, bool timed_out, double wall_s) {
  json stand_in = {{"clsim_report", 1}, {"scenario", spec.random ? "random" : spec.scenario}, {"seed", c.run->seed}};
  if (timed_out) {
    stand_in["result"] = "timeout";
    stand_in["error"] = "wall-time limit of " + std::to_string(int(spec.timeout_s)) + " s exceeded";
  } else {
    std::ifstream in(c.report_path);
    json report = json::parse(in, nullptr, false);
    if (report.is_object() && report.contains("seed")) return report;
    stand_in["result"] = WIFEXITED(status) && WEXITSTATUS(status) == 2 ? "error" : "internal_error";
    stand_in["error"] = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                            : "exited " + std::to_string(WEXITSTATUS(status)) + " without a report";
  }
  stand_in["wall_time_s"] = wall_s;
  stand_in["repro"] = child_repro(spec, *c.run);
  return stand_in;
}

std::string make_temp_dir() {
  const char* tmp_env = std::getenv("TMPDIR");
  std::string dir_template = std::string(tmp_env && *tmp_env ? tmp_env : "/tmp") + "/clsim-swarm-XXXXXX";
  std::vector<char> buf(dir_template.begin(), dir_template.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("cannot create a temporary directory");
  return buf.data();
}

void kill_all(std::vector<Child>& running) {
  for (const Child& c : running) {
    ::kill(c.pid, SIGKILL);
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    std::remove(c.report_path.c_str());
  }
  running.clear();
}

}  // namespace

std::string child_repro(const ChildRunSpec& spec, const SeedRun& run) {
  if (spec.random) return sim::random_repro(run.seed, spec.mutations, run.bias);
  return "build/clsim run " + spec.scenario + " --seed " + std::to_string(run.seed) + spec.mutations.flags();
}

std::map<std::uint64_t, json> run_children(const ChildRunSpec& spec, const std::vector<SeedRun>& seeds,
                                           const ChildRunHooks& hooks) {
  const std::string dir = make_temp_dir();
  std::map<std::uint64_t, json> done;
  std::vector<Child> running;
  std::size_t next = 0, failed = 0;
  const auto limit = std::chrono::duration<double>(spec.timeout_s);
  while (next < seeds.size() || !running.empty()) {
    if (hooks.stop && hooks.stop()) {
      kill_all(running);
      break;
    }
    while (running.size() < std::max<std::uint64_t>(1, spec.jobs) && next < seeds.size()) {
      Child c;
      c.run = &seeds[next++];
      c.report_path = dir + "/seed-" + std::to_string(c.run->seed) + ".json";
      c.started = Clock::now();
      c.pid = spawn_child(spec, *c.run, c.report_path);
      running.push_back(std::move(c));
    }
    bool reaped = false;
    for (std::size_t i = 0; i < running.size();) {
      const Child& c = running[i];
      int status = 0;
      const double wall_s = std::chrono::duration<double>(Clock::now() - c.started).count();
      bool timed_out = false;
      pid_t r = ::waitpid(c.pid, &status, WNOHANG);
      if (r == 0 && Clock::now() - c.started > limit) {
        ::kill(c.pid, SIGKILL);
        r = ::waitpid(c.pid, &status, 0);
        timed_out = true;
      }
      if (r == 0) {
        ++i;
        continue;
      }
      json report = collect(spec, c, status, timed_out, wall_s);
      if (report.value("result", "") != "pass") ++failed;
      std::remove(c.report_path.c_str());
      done[c.run->seed] = std::move(report);
      running.erase(running.begin() + std::ptrdiff_t(i));
      reaped = true;
    }
    if (hooks.progress) hooks.progress(done.size(), failed, running.size());
    if (!reaped && !running.empty()) {
      const timespec pause{0, 5'000'000};
      ::nanosleep(&pause, nullptr);
    }
  }
  ::rmdir(dir.c_str());
  return done;
}

}  // namespace clsim::cli
