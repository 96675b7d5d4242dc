// The live tests' processes: ChildProcess, TempDir, RedisServer and the bounded
// waits live in sim/differential/child_process.hpp (clsim differential starts the
// same stack); this header names them in the tests' namespace and adds where the
// clsim binary of this build is.
#pragma once
#include <string>

#include "sim/differential/child_process.hpp"

namespace clsim::live_test {

using differential::ChildProcess;
using differential::RedisServer;
using differential::TempDir;
using differential::wait_for_path;
using differential::wait_for_port_file;

// Where the clsim binary of this build is.
std::string clsim_binary();

}  // namespace clsim::live_test
