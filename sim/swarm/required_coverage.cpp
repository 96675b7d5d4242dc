#include "sim/swarm/required_coverage.hpp"

#include <fstream>
#include <stdexcept>

namespace clsim::sim {

std::optional<RequiredCell> parse_required_cell(const std::string& text, std::string& error) {
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t\r");
  const std::string line = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  const auto space = line.find(' ');
  if (space == std::string::npos) {
    error = "expected '<section> <key>', got '" + line + "'";
    return std::nullopt;
  }
  RequiredCell cell{0, line.substr(0, space), line.substr(line.find_first_not_of(' ', space))};
  static const char* kSections[] = {"transitions", "crash_points", "crash_points_reached", "sometimes", "faults",
                                    "matrix"};
  bool known = false;
  for (const char* s : kSections) known = known || cell.section == s;
  if (!known) {
    error = "unknown coverage section '" + cell.section +
            "' (transitions, crash_points, crash_points_reached, sometimes, faults, matrix)";
    return std::nullopt;
  }
  return cell;
}

std::vector<RequiredCell> read_required_coverage(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot read the file");
  std::vector<RequiredCell> out;
  std::string text, error;
  for (int n = 1; std::getline(in, text); ++n) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos || text[first] == '#') continue;
    auto cell = parse_required_cell(text, error);
    if (!cell) throw std::invalid_argument(path + ":" + std::to_string(n) + ": " + error);
    cell->line = n;
    out.push_back(std::move(*cell));
  }
  return out;
}

std::vector<RequiredCell> unreached(const nlohmann::json& coverage, const std::vector<RequiredCell>& cells) {
  std::vector<RequiredCell> out;
  for (const auto& c : cells) {
    const bool hit = coverage.contains(c.section) && coverage[c.section].is_object() &&
                     coverage[c.section].contains(c.key) && coverage[c.section][c.key].is_number() &&
                     coverage[c.section][c.key].get<std::int64_t>() > 0;
    if (!hit) out.push_back(c);
  }
  return out;
}

}  // namespace clsim::sim
