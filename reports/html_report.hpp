// Renders a run report or a suite report as one self-contained HTML page (no
// network, no scripts): summary, invariants, faults, failed checks and, on
// failure, the first violation with the trace lines before it.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::reports {

std::string render_html(const nlohmann::ordered_json& report_or_suite);
std::string html_escape(const std::string& s);

}  // namespace clsim::reports
