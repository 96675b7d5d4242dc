// clsim COMMAND --help (or -h): each command prints its own usage and exits 0,
// wherever the flag stands; a flag a command does not take is still bad usage.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/sim/shell_run.hpp"

namespace {

using clsim::testing::sh;

const char* const kCommands[] = {"run", "swarm", "fuzz", "shrink", "replay", "minimize", "check-determinism", "list"};

// Built by appending: GCC 12 warns falsely (-Warray-bounds) on literal + " " + string.
std::string clsim(const std::string& args) {
  std::string command = CLSIM_BINARY;
  command += ' ';
  command += args;
  return command;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// The lines that open a usage form ("usage: clsim ..." and "   or: clsim ...").
std::vector<std::string> usage_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (starts_with(line, "usage: ") || starts_with(line, "   or: ")) out.push_back(line.substr(7));
  return out;
}

TEST(CliHelp, EveryCommandsHelpPrintsItsOwnUsageAndExitsZero) {
  for (const std::string command : kCommands) {
    for (const char* flag : {"--help", "-h"}) {
      const auto out = sh(clsim(command + " " + flag));
      EXPECT_EQ(out.exit_code, 0) << command << " " << flag << "\n" << out.text;
      EXPECT_TRUE(starts_with(out.text, "usage: clsim " + command + " ")) << command << " " << flag << "\n" << out.text;
      for (const std::string& line : usage_lines(out.text))
        EXPECT_TRUE(starts_with(line, "clsim " + command + " ")) << command << ": " << line;
    }
  }
}

TEST(CliHelp, HelpAfterOtherArgumentsStillPrintsTheUsage) {
  for (const char* args : {"run --random --seed 3 --help", "run scenarios/happy_path.lua -h", "list faults --help",
                           "swarm --random --seeds 1..2 --help"}) {
    const auto out = sh(clsim(args));
    EXPECT_EQ(out.exit_code, 0) << args << "\n" << out.text;
    EXPECT_TRUE(starts_with(out.text, "usage: clsim ")) << args << "\n" << out.text;
  }
}

TEST(CliHelp, TheWholeUsageListsEveryCommand) {
  const auto out = sh(clsim("--help"));
  EXPECT_EQ(out.exit_code, 0);
  for (const std::string command : kCommands)
    EXPECT_NE(out.text.find("\n  clsim " + command + " "), std::string::npos) << command;
}

TEST(CliHelp, AnUnknownFlagIsStillExitTwoAndPointsAtTheCommandsHelp) {
  for (const std::string command : kCommands) {
    const auto out = sh(clsim(command + " --no-such-flag"));
    EXPECT_EQ(out.exit_code, 2) << command << "\n" << out.text;
    EXPECT_NE(out.text.find("(see clsim " + command + " --help)"), std::string::npos) << out.text;
  }
}

}  // namespace
