#include "reports/html_report.hpp"

#include <cstdio>

#include "reports/html_charts.hpp"

namespace clsim::reports {

using json = nlohmann::ordered_json;

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;padding:0 1em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;border:1px solid #ddd;text-align:left}
th{background:#f5f5f5}.pass{color:#176f2c;font-weight:600}.fail{color:#b00020;font-weight:600}
code,pre{font:12px/1.4 ui-monospace,monospace}pre{background:#f7f7f7;padding:.7em;overflow-x:auto}
.run{border:1px solid #e3e3e3;border-radius:6px;padding:.2em 1em 1em;margin:1em 0}
)css";

std::string str(const json& j, const char* key) {
  if (!j.contains(key)) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string counts_table(const json& obj, const char* key_title, const char* value_title) {
  if (!obj.is_object() || obj.empty()) return "<p>none</p>";
  std::string s = std::string("<table><tr><th>") + key_title + "</th><th>" + value_title + "</th></tr>";
  for (auto it = obj.begin(); it != obj.end(); ++it)
    s += "<tr><td>" + html_escape(it.key()) + "</td><td>" + html_escape(it.value().dump()) + "</td></tr>";
  return s + "</table>";
}

std::string render_run(const json& r) {
  const std::string result = str(r, "result");
  std::string s = "<div class=run><h2>" + html_escape(str(r, "scenario")) + " &mdash; <span class=" +
                  (result == "pass" ? "pass" : "fail") + ">" + html_escape(result) + "</span></h2>";
  s += "<table>";
  for (const char* k : {"name", "seed", "trace_hash", "events_processed", "virtual_time_us", "wall_time_s",
                        "script_sha256", "clsim_version", "build_type"})
    if (r.contains(k)) s += std::string("<tr><th>") + k + "</th><td><code>" + html_escape(str(r, k)) + "</code></td></tr>";
  s += "</table>";
  if (r.contains("error")) s += "<p class=fail>error: " + html_escape(str(r, "error")) + "</p>";
  if (r.contains("fatal")) s += "<p class=fail>stopped: " + html_escape(str(r, "fatal")) + "</p>";
  if (r.contains("campaigns")) s += "<h3>Campaigns by state</h3>" + counts_table(r["campaigns"].value("by_state", json::object()), "state", "campaigns");
  if (r.contains("invariants") && !r["invariants"].empty()) {
    s += "<h3>Invariants</h3><table><tr><th>invariant</th><th>checks</th><th>violations</th></tr>";
    for (const auto& i : r["invariants"])
      s += "<tr><td>" + html_escape(str(i, "name")) + "</td><td>" + str(i, "checks") + "</td><td class=" +
           (i.value("violations", 0) ? "fail" : "pass") + ">" + str(i, "violations") + "</td></tr>";
    s += "</table>";
  }
  if (r.contains("timeline")) s += "<h3>Campaign states over virtual time</h3>" + state_legend() + timeline_svg(r["timeline"]);
  if (r.contains("latency_us") && r["latency_us"].is_object()) {
    s += "<h3>Latencies</h3>";
    for (auto it = r["latency_us"].begin(); it != r["latency_us"].end(); ++it) s += histogram_svg(it.key(), it.value());
  }
  if (r.contains("faults")) s += "<h3>Faults injected</h3>" + counts_table(r["faults"], "fault", "count");
  if (r.contains("coverage")) {
    s += "<h3>Coverage</h3>";
    for (const char* k : {"transitions", "crash_points", "sometimes"})
      if (r["coverage"].contains(k)) s += std::string("<h4>") + k + "</h4>" + counts_table(r["coverage"][k], k, "count");
  }
  if (r.contains("checks")) {
    s += "<h3>Failed checks</h3><ul>";
    for (const auto& c : r["checks"])
      s += "<li><code>" + html_escape(str(c, "file")) + ":" + str(c, "line") + "</code> " + html_escape(str(c, "message")) + "</li>";
    s += "</ul>";
  }
  if (r.contains("first_violation")) {
    const auto& v = r["first_violation"];
    s += "<h3>First violation: " + html_escape(str(v, "invariant")) + "</h3><p>" + html_escape(str(v, "message")) +
         " (at virtual " + str(v, "virtual_time_us") + " us)</p><pre>";
    for (const auto& line : v.value("trace_tail", json::array())) s += html_escape(line.get<std::string>()) + "\n";
    s += "</pre>";
  }
  if (result != "pass" && r.contains("repro")) s += "<p>Reproduce: <code>" + html_escape(str(r, "repro")) + "</code></p>";
  return s + "</div>";
}

}  // namespace

std::string render_html(const json& doc) {
  std::string body;
  std::string title = "clsim report";
  if (doc.contains("clsim_suite")) {
    int pass = 0, fail = 0;
    for (const auto& r : doc["runs"]) (r.value("result", "") == "pass" ? pass : fail)++;
    title = "clsim suite: " + std::to_string(pass) + " passed, " + std::to_string(fail) + " failed";
    body += "<table><tr><th>scenario</th><th>result</th><th>seed</th><th>events</th><th>trace</th></tr>";
    for (const auto& r : doc["runs"]) {
      const std::string res = str(r, "result");
      body += "<tr><td>" + html_escape(str(r, "scenario")) + "</td><td class=" + (res == "pass" ? "pass" : "fail") +
              ">" + html_escape(res) + "</td><td>" + str(r, "seed") + "</td><td>" + str(r, "events_processed") +
              "</td><td><code>" + html_escape(str(r, "trace_hash")) + "</code></td></tr>";
    }
    body += "</table>";
    for (const auto& r : doc["runs"]) body += render_run(r);
  } else {
    title = "clsim: " + str(doc, "scenario") + " " + str(doc, "result");
    body = render_run(doc);
  }
  return "<!doctype html><html><head><meta charset=utf-8><title>" + html_escape(title) + "</title><style>" + kStyle +
         "</style></head><body><h1>" + html_escape(title) + "</h1>" + body + "</body></html>\n";
}

}  // namespace clsim::reports
