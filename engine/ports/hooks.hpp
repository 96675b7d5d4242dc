// Hooks port: crash points, "sometimes" coverage marks, assertions and structured
// trace events. In production it does nothing (or logs); in simulation it reaches
// the world. There are no statics: every engine object holds its Hooks.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace clsim::engine {

// Thrown by a crash point in simulation. Deliberately not a std::exception, so
// no engine `catch (const std::exception&)` can swallow a crash.
struct CrashSignal {
  std::string point;
};

// Thrown after an engine assertion fails; the simulator turns it into a failed
// run with the trace context. Not a std::exception for the same reason.
struct AssertionFailure {
  std::string message;
};

class Hooks {
 public:
  virtual ~Hooks() = default;
  // May throw CrashSignal.
  virtual void crash_point(std::string_view name) = 0;
  virtual void sometimes(std::string_view name) = 0;
  // Records the failure; the macro then throws AssertionFailure.
  virtual void assertion_failed(std::string_view message) = 0;
  // A structured event: a name and typed fields. Reaches the trace in simulation.
  virtual void trace(std::string_view event, nlohmann::json fields) = 0;
};

// Does nothing; the production default and a convenience for unit tests.
class NullHooks final : public Hooks {
 public:
  void crash_point(std::string_view) override {}
  void sometimes(std::string_view) override {}
  void assertion_failed(std::string_view) override {}
  void trace(std::string_view, nlohmann::json) override {}
};

}  // namespace clsim::engine

#define CLSIM_CRASH_POINT(hooks, name) (hooks).crash_point(name)
#define CLSIM_SOMETIMES(hooks, name) (hooks).sometimes(name)

// Stays on in every build. The message names the condition and where it is.
#define CLSIM_ASSERT(hooks, cond, msg)                                                   \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::string clsim_assert_msg_ = std::string("assertion failed: " #cond " at ") +   \
                                      __FILE__ + ":" + std::to_string(__LINE__) + ": " + \
                                      std::string(msg);                                  \
      (hooks).assertion_failed(clsim_assert_msg_);                                       \
      throw ::clsim::engine::AssertionFailure{clsim_assert_msg_};                        \
    }                                                                                    \
  } while (0)
