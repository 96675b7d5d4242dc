#include "sim/cli/summary.hpp"

#include <string>

namespace clsim::cli {

namespace {
std::string join_counts(const nlohmann::ordered_json& obj) {
  std::string s;
  for (auto it = obj.begin(); it != obj.end(); ++it)
    s += (s.empty() ? "" : ", ") + it.key() + " " + it.value().dump();
  return s.empty() ? "none" : s;
}
}  // namespace

void print_summary(std::FILE* out, const nlohmann::ordered_json& r) {
  const std::string result = r.value("result", "?");
  std::fprintf(out, "%s %s  seed %llu  trace %s\n", result == "pass" ? "PASS" : "FAIL",
               r.value("scenario", "").c_str(), (unsigned long long)r.value("seed", 0ULL),
               r.value("trace_hash", "").c_str());
  const double virtual_h = double(r.value("virtual_time_us", 0LL)) / 3.6e9;
  std::fprintf(out, "  %llu events, %.1f virtual hours in %.2f s wall\n",
               (unsigned long long)r.value("events_processed", 0ULL), virtual_h, r.value("wall_time_s", 0.0));
  if (r.contains("campaigns") && r["campaigns"].value("total", 0) > 0)
    std::fprintf(out, "  campaigns: %s\n", join_counts(r["campaigns"]["by_state"]).c_str());
  if (r.contains("faults") && !r["faults"].empty())
    std::fprintf(out, "  faults: %s\n", join_counts(r["faults"]).c_str());
  if (r.contains("invariants")) {
    std::string inv;
    for (const auto& i : r["invariants"])
      inv += (inv.empty() ? "" : ", ") + i.value("name", "") +
             (i.value("violations", 0) ? " VIOLATED" : " ok");
    if (!inv.empty()) std::fprintf(out, "  invariants: %s\n", inv.c_str());
  }
  if (r.contains("checks"))
    for (const auto& c : r["checks"])
      std::fprintf(out, "  check failed: %s:%d: %s\n", c.value("file", "").c_str(), c.value("line", 0),
                   c.value("message", "").c_str());
  if (r.contains("first_violation"))
    std::fprintf(out, "  first violation (%s): %s\n", r["first_violation"].value("invariant", "").c_str(),
                 r["first_violation"].value("message", "").c_str());
  if (r.contains("fatal")) std::fprintf(out, "  stopped: %s\n", r.value("fatal", "").c_str());
  if (r.contains("error")) std::fprintf(out, "  error: %s\n", r.value("error", "").c_str());
  if (result != "pass") std::fprintf(out, "  repro: %s\n", r.value("repro", "").c_str());
}

void print_suite_summary(std::FILE* out, const nlohmann::ordered_json& suite) {
  int pass = 0, fail = 0;
  for (const auto& r : suite["runs"]) (r.value("result", "") == "pass" ? pass : fail)++;
  std::fprintf(out, "suite: %d passed, %d failed\n", pass, fail);
}

}  // namespace clsim::cli
