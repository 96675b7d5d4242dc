// Inline SVG charts for the HTML report: the campaign-state timeline (a bar per
// campaign, or stacked state counts when there are many) and latency histograms.
// Plain SVG, no script, so the page works offline in any browser.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::reports {

std::string timeline_svg(const nlohmann::ordered_json& timeline);
std::string histogram_svg(const std::string& title, const nlohmann::ordered_json& summary);
std::string state_legend();

}  // namespace clsim::reports
