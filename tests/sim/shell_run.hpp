// Runs a command line the way a user's shell would, for the tests that drive
// the clsim binary as a separate process: exit code and merged output.
#pragma once
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace clsim::testing {

struct Output {
  int exit_code;
  std::string text;
};

inline Output sh(const std::string& cmd) {
  Output o{-1, {}};
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return o;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) o.text += buf;
  const int status = ::pclose(p);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

}  // namespace clsim::testing
