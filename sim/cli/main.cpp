// clsim: the campaign lifecycle simulator's command line.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"

int main(int argc, char** argv) {
  using namespace clsim::cli;
  if (argc < 2) {
    print_help();
    return 2;
  }
  const std::string cmd = argv[1];
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") return print_help(), 0;
    if (cmd == "--version") return std::printf("clsim %s (%s)\n", CLSIM_VERSION, CLSIM_BUILD_TYPE), 0;
    if (cmd == "run") return run_command(argc, argv);
    if (cmd == "check-determinism") return check_determinism_command(argc, argv);
    if (cmd == "list") return list_command(argc, argv);
    if (cmd == "replay") return replay_command(argc, argv);
    if (cmd == "minimize") return minimize_command(argc, argv);
    if (cmd == "swarm") return swarm_command(argc, argv);
    if (cmd == "shrink") return shrink_command(argc, argv);
    if (cmd == "fuzz") return fuzz_command(argc, argv);
    if (cmd == "mockd") return mockd_command(argc, argv);
    if (cmd == "serve") return serve_command(argc, argv);
    if (cmd == "differential") return differential_command(argc, argv);
    std::fprintf(stderr, "clsim: unknown command '%s' (see clsim --help)\n", cmd.c_str());
    return 2;
  } catch (const HelpRequested&) {
    return print_command_help(cmd), 0;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "clsim %s: %s (see clsim %s --help)\n", cmd.c_str(), e.what(), cmd.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "clsim: internal error: %s\n", e.what());
    return 3;
  }
}
