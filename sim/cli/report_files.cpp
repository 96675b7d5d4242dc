#include "sim/cli/report_files.hpp"

#include <cstdio>

#include "reports/atomic_file.hpp"
#include "reports/html_report.hpp"

namespace clsim::cli {

bool write_output(const std::string& path, const std::string& text, const char* command) {
  std::string error;
  if (reports::write_file_atomically(path, text, &error)) return true;
  std::fprintf(stderr, "clsim %s: %s\n", command, error.c_str());
  return false;
}

bool write_report_files(const nlohmann::ordered_json& report, const std::string& report_path,
                        const std::string& html_path, const char* command) {
  if (!report_path.empty() &&
      !write_output(report_path, report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", command))
    return false;
  return html_path.empty() || write_output(html_path, reports::render_html(report), command);
}

}  // namespace clsim::cli
