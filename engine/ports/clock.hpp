// Clock port: the engine's time and timers. Engine code waits with
// `clock.async_wait(delay, kind, label, token)`, an ordinary Asio asynchronous
// operation, so callbacks and coroutines both work. The simulator implements it
// over the world's virtual-time queue; production over Asio steady timers. A
// cancelled wait completes with operation_aborted.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include "engine/core/time.hpp"

namespace clsim::engine {

// Foreground waits are pending work (a saga step, a close timer, a retry): what a
// graceful shutdown waits for, and what keeps a simulated world from being quiet.
// Background ones are the service's routine (heartbeat, sweeps, polling).
enum class TimerKind { foreground, background };

using TimerId = std::uint64_t;

class Clock {
 public:
  using WaitHandler = std::function<void(boost::system::error_code)>;

  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // The executor every completion runs on: one per engine incarnation.
  virtual boost::asio::io_context::executor_type executor() = 0;
  // Schedules `fn` after `delay` (>= 0). `label` names the event in the trace.
  virtual TimerId start_wait(Duration delay, TimerKind kind, std::string label, WaitHandler fn) = 0;
  // Completes a pending wait with operation_aborted; a no-op for a fired one.
  virtual void cancel(TimerId id) = 0;

  template <class Token>
  auto async_wait(Duration delay, TimerKind kind, std::string label, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this, delay, kind](auto handler, std::string lbl) {
          // Asio handlers may be move-only; std::function needs a copyable target.
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          start_wait(delay, kind, std::move(lbl),
                     [shared](boost::system::error_code ec) { std::move (*shared)(ec); });
        },
        token, std::move(label));
  }
};

}  // namespace clsim::engine
