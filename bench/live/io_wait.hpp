// Runs an io_context until a condition holds or the time is up. An io_context
// that ran out of work is stopped and must be restarted before it runs again,
// which a loop of run_one_for calls would otherwise spin past.
#pragma once
#include <chrono>

#include <boost/asio/io_context.hpp>

namespace clsim::live_bench {

// False on timeout.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done, std::chrono::steady_clock::duration timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(50));
  }
  return true;
}

// Runs it for `d`, whatever happens.
inline void run_for(boost::asio::io_context& io, std::chrono::steady_clock::duration d) {
  run_until(io, [] { return false; }, d);
}

}  // namespace clsim::live_bench
