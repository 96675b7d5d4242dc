// Writes an output file whole or not at all: a temporary file beside it, then
// rename. A run interrupted half-way leaves the old file (or none), never half.
#pragma once
#include <string>

namespace clsim::reports {

// False (with `error` set) when the file could not be written.
bool write_file_atomically(const std::string& path, const std::string& contents, std::string* error = nullptr);

}  // namespace clsim::reports
