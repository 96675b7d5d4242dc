#include "live/child_process.hpp"

namespace clsim::live_test {

std::string clsim_binary() { return CLSIM_BINARY; }

}  // namespace clsim::live_test
