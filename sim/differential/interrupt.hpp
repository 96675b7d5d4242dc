// Ctrl-C (SIGINT) and SIGTERM while the live stack runs: a handler that only sets a
// flag, which every wait of the differential run checks, so the run stops its
// children by pid and removes its directory instead of dying half-way.
#pragma once
#include <signal.h>

namespace clsim::differential {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handler
  ~InterruptGuard();  // restores what was there
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

// True once SIGINT or SIGTERM arrived under an InterruptGuard.
bool interrupted();

}  // namespace clsim::differential
