// The clsim subcommands. Each returns the process exit code (docs/CONTRACTS.md):
// 0 everything held, 1 a check or invariant failed, 2 bad input, 3 harness error.
#pragma once
#include <string>

namespace clsim::cli {

int run_command(int argc, char** argv);                // clsim run ...
int check_determinism_command(int argc, char** argv);  // clsim check-determinism ...
int list_command(int argc, char** argv);               // clsim list ...
int replay_command(int argc, char** argv);             // clsim replay ... (sim/replay)
int minimize_command(int argc, char** argv);           // clsim minimize ... (sim/replay)
int swarm_command(int argc, char** argv);              // clsim swarm ... (sim/cli/swarm_command.cpp)
int random_run_command(int argc, char** argv);         // clsim run --random ...
int shrink_command(int argc, char** argv);             // clsim shrink ... (sim/swarm/shrinker.hpp)
int fuzz_command(int argc, char** argv);               // clsim fuzz ... (sim/cli/fuzz_command.cpp)
int serve_command(int argc, char** argv);              // clsim serve ... (engine/adapters/live/service/)
int mockd_command(int argc, char** argv);              // clsim mockd ... (mocks/wire/mock_daemon.hpp)
int differential_command(int argc, char** argv);       // clsim differential ... (sim/differential/)
void print_help();                                     // clsim --help: the whole usage
void print_command_help(const std::string& command);   // clsim COMMAND --help (sim/cli/help.cpp)

}  // namespace clsim::cli
