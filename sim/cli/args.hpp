// A small argument cursor for the clsim subcommands: flags with values, repeated
// flags and positional arguments, with usage errors that say what was wrong.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace clsim::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --help or -h where a flag or argument may stand: main prints the command's
// usage and exits 0. Not a std::exception, so no handler of errors takes it.
struct HelpRequested {};

class Args {
 public:
  Args(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) items_.emplace_back(argv[i]);
  }
  bool done() const { return pos_ >= items_.size(); }
  // The next flag or argument; HelpRequested when it is --help or -h.
  std::string next() {
    if (items_[pos_] == "--help" || items_[pos_] == "-h") throw HelpRequested{};
    return items_[pos_++];
  }
  // The value after a flag, whatever it is; a usage error when missing.
  std::string value(const std::string& flag) {
    if (done()) throw UsageError(flag + " needs a value");
    return items_[pos_++];
  }
  std::uint64_t u64(const std::string& flag) { return parse_u64(flag, value(flag)); }

  static std::uint64_t parse_u64(const std::string& what, const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError(what + ": expected a non-negative integer, got '" + text + "'");
    try {
      return std::stoull(text);
    } catch (const std::exception&) {
      throw UsageError(what + ": number out of range: '" + text + "'");
    }
  }

 private:
  std::vector<std::string> items_;
  std::size_t pos_ = 0;
};

}  // namespace clsim::cli
