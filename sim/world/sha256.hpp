// SHA-256 of a byte string, lowercase hex: the report's script_sha256 provenance.
#pragma once
#include <string>
#include <string_view>

namespace clsim::sim {

std::string sha256_hex(std::string_view data);

}  // namespace clsim::sim
