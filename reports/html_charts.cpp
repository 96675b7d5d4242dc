#include "reports/html_charts.hpp"

#include <cstdio>
#include <vector>

#include "reports/html_report.hpp"

namespace clsim::reports {

namespace {

using json = nlohmann::ordered_json;

const std::vector<std::pair<const char*, const char*>>& state_colors() {
  static const std::vector<std::pair<const char*, const char*>> colors = {
      {"CREATED", "#b0bec5"}, {"PUBLISHING", "#ffb74d"}, {"RUNNING", "#42a5f5"}, {"CLOSED", "#7e57c2"},
      {"REWARD_CLAIM", "#26a69a"}, {"EXPIRED", "#9e9e9e"}, {"FAILED", "#e53935"}};
  return colors;
}

const char* color_of(const std::string& state) {
  for (const auto& [s, c] : state_colors())
    if (state == s) return c;
  return "#607d8b";
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string hours_label(std::int64_t us) { return num(double(us) / 3.6e9) + " h"; }

std::string axis(double x0, double width, double y, std::int64_t span_us) {
  std::string s = "<line x1=" + num(x0) + " y1=" + num(y) + " x2=" + num(x0 + width) + " y2=" + num(y) +
                  " stroke=#999 />";
  for (int k = 0; k <= 4; ++k) {
    const double x = x0 + width * k / 4;
    s += "<text x=" + num(x) + " y=" + num(y + 14) + " font-size=10 text-anchor=middle>" +
         hours_label(span_us * k / 4) + "</text>";
  }
  return s;
}

}  // namespace

std::string state_legend() {
  std::string s = "<p>";
  for (const auto& [state, color] : state_colors())
    s += std::string("<span style=\"display:inline-block;width:.9em;height:.9em;background:") + color +
         ";margin:0 .3em 0 1em\"></span>" + state;
  return s + "</p>";
}

std::string timeline_svg(const json& t) {
  const std::int64_t start = t.value("start_us", 0LL), end = t.value("end_us", 0LL);
  const double span = double(std::max<std::int64_t>(1, end - start));
  const double x0 = 70, width = 760;
  std::string s;
  if (t.contains("campaigns")) {
    const auto& rows = t["campaigns"];
    const double row_h = 14, height = double(rows.size()) * row_h + 30;
    s = "<svg xmlns='http://www.w3.org/2000/svg' width=850 height=" + num(height) + " font-family=sans-serif>";
    double y = 4;
    for (const auto& row : rows) {
      s += "<text x=" + num(x0 - 6) + " y=" + num(y + 10) + " font-size=10 text-anchor=end>" +
           html_escape(row.value("id", "")) + "</text>";
      for (const auto& seg : row["segments"]) {
        const std::string state = seg[0].get<std::string>();
        const double a = x0 + width * double(seg[1].get<std::int64_t>() - start) / span;
        const double b = x0 + width * double(seg[2].get<std::int64_t>() - start) / span;
        s += "<rect x=" + num(a) + " y=" + num(y) + " width=" + num(std::max(0.5, b - a)) + " height=" +
             num(row_h - 3) + " fill='" + color_of(state) + "'><title>" + html_escape(row.value("id", "")) + " " +
             state + "</title></rect>";
      }
      y += row_h;
    }
    s += axis(x0, width, y + 2, end - start);
    return s + "</svg>";
  }
  // Many campaigns: stacked state counts over time.
  const auto& samples = t.value("samples", json::array());
  double total = 1;
  for (const auto& smp : samples) {
    double n = 0;
    for (auto it = smp["counts"].begin(); it != smp["counts"].end(); ++it) n += it.value().get<double>();
    total = std::max(total, n);
  }
  const double height = 220;
  s = "<svg xmlns='http://www.w3.org/2000/svg' width=850 height=" + num(height + 30) + " font-family=sans-serif>";
  const double step = samples.size() > 1 ? width / double(samples.size() - 1) : width;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    double y = height;
    for (const auto& [state, color] : state_colors()) {
      const double n = samples[i]["counts"].value(state, 0.0);
      if (n <= 0) continue;
      const double h = height * n / total;
      y -= h;
      s += "<rect x=" + num(x0 + step * double(i)) + " y=" + num(y) + " width=" + num(step + 0.5) + " height=" +
           num(h) + " fill='" + color + "' />";
    }
  }
  s += "<text x=" + num(x0 - 6) + " y=12 font-size=10 text-anchor=end>" + num(total) + "</text>";
  s += axis(x0, width, height + 2, end - start);
  return s + "</svg>";
}

std::string histogram_svg(const std::string& title, const json& summary) {
  const auto& buckets = summary.value("buckets", json::array());
  std::string caption = html_escape(title) + ": " + std::to_string(summary.value("count", 0)) +
                        " samples, p50 " + num(double(summary.value("p50", 0LL)) / 1e6) + " s, p99 " +
                        num(double(summary.value("p99", 0LL)) / 1e6) + " s, max " +
                        num(double(summary.value("max", 0LL)) / 1e6) + " s";
  if (buckets.empty()) return "<p>" + caption + "</p>";
  double peak = 1;
  for (const auto& b : buckets) peak = std::max(peak, b.get<double>());
  std::string s = "<p>" + caption + "</p><svg xmlns='http://www.w3.org/2000/svg' width=420 height=110 font-family=sans-serif>";
  const double bar_w = 38;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const double h = 80 * buckets[i].get<double>() / peak;
    s += "<rect x=" + num(10 + bar_w * double(i)) + " y=" + num(85 - h) + " width=" + num(bar_w - 4) +
         " height=" + num(h) + " fill='#5c6bc0'><title>" + buckets[i].dump() + "</title></rect>";
  }
  s += "<text x=10 y=100 font-size=10>0</text><text x=390 y=100 font-size=10 text-anchor=end>" +
       num(double(summary.value("max", 0LL)) / 1e6) + " s</text>";
  return s + "</svg>";
}

}  // namespace clsim::reports
