// clsim check-determinism: runs one script K times, each in a child process of
// this same binary (so address-order and hash-seed bugs show), and compares
// trace hashes; on a mismatch prints the first differing trace line of each run.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"

extern char** environ;

namespace clsim::cli {

namespace {

struct ChildRun {
  int exit_code = 3;
  std::string trace_hash;
  std::string trace_path;
};

ChildRun run_child(const std::string& script, std::optional<std::uint64_t> seed, const std::string& dir, int index) {
  ChildRun run;
  const std::string report = dir + "/run" + std::to_string(index) + ".json";
  run.trace_path = dir + "/run" + std::to_string(index) + ".jsonl";
  std::vector<std::string> argv_s = {"/proc/self/exe", "run", script, "--quiet", "--report", report,
                                     "--trace", run.trace_path};
  if (seed) argv_s.insert(argv_s.end(), {"--seed", std::to_string(*seed)});
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) return run;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return run;
  run.exit_code = WEXITSTATUS(status);
  std::ifstream in(report);
  if (in) {
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object()) run.trace_hash = j.value("trace_hash", "");
  }
  return run;
}

void print_first_difference(const ChildRun& a, const ChildRun& b, int ia, int ib) {
  std::ifstream fa(a.trace_path), fb(b.trace_path);
  std::string la, lb;
  for (long line = 1;; ++line) {
    const bool ga = bool(std::getline(fa, la)), gb = bool(std::getline(fb, lb));
    if (!ga && !gb) break;
    if (!ga || !gb || la != lb) {
      std::printf("first difference at trace line %ld:\n  run %d: %s\n  run %d: %s\n", line, ia,
                  ga ? la.c_str() : "(end of trace)", ib, gb ? lb.c_str() : "(end of trace)");
      return;
    }
  }
  std::printf("traces are equal line by line; the hashes differ in the run's identity\n");
}

}  // namespace

int check_determinism_command(int argc, char** argv) {
  Args a(argc, argv, 2);
  std::string script;
  std::optional<std::uint64_t> seed;
  std::uint64_t runs = 3;
  while (!a.done()) {
    const std::string arg = a.next();
    if (arg == "--seed") seed = a.u64(arg);
    else if (arg == "--runs") runs = a.u64(arg);
    else if (arg.rfind("--", 0) == 0) throw UsageError("unknown option " + arg);
    else if (script.empty()) script = arg;
    else throw UsageError("takes one SCRIPT.lua");
  }
  if (script.empty()) throw UsageError("needs a SCRIPT.lua");
  if (runs < 2) throw UsageError("--runs must be at least 2");

  char tmpl[] = "/tmp/clsim-determinism-XXXXXX";
  const char* base = ::mkdtemp(tmpl);
  if (!base) throw std::runtime_error("cannot create a temporary directory");
  const std::string dir = base;
  std::vector<ChildRun> results;
  for (std::uint64_t i = 0; i < runs; ++i) results.push_back(run_child(script, seed, dir, int(i) + 1));

  int code = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].exit_code >= 2 || results[i].trace_hash.empty()) {
      std::fprintf(stderr, "check-determinism: run %zu of %s ended with exit code %d (run it with clsim run to see why)\n",
                   i + 1, script.c_str(), results[i].exit_code);
      code = results[i].exit_code >= 2 ? results[i].exit_code : 3;
      break;
    }
  }
  if (code == 0) {
    for (std::size_t i = 1; i < results.size(); ++i) {
      if (results[i].trace_hash != results[0].trace_hash) {
        std::printf("NONDETERMINISTIC %s: run 1 %s, run %zu %s\n", script.c_str(), results[0].trace_hash.c_str(),
                    i + 1, results[i].trace_hash.c_str());
        print_first_difference(results[0], results[i], 1, int(i) + 1);
        code = 1;
        break;
      }
    }
  }
  if (code == 0)
    std::printf("deterministic %s: %llu runs, trace %s\n", script.c_str(), (unsigned long long)runs,
                results[0].trace_hash.c_str());
  for (auto& r : results) {
    std::remove(r.trace_path.c_str());
    std::remove((r.trace_path.substr(0, r.trace_path.size() - 1)).c_str());
  }
  for (std::uint64_t i = 1; i <= runs; ++i) std::remove((dir + "/run" + std::to_string(i) + ".json").c_str());
  ::rmdir(dir.c_str());
  return code;
}

}  // namespace clsim::cli
