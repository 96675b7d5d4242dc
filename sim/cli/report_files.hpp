// Writes what a command was asked to write: any output file whole or not at all
// (reports/atomic_file.hpp), and a report as --report JSON and --html page. A
// failure is printed as "clsim COMMAND: what went wrong".
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::cli {

// False after printing the error when `path` could not be written.
bool write_output(const std::string& path, const std::string& text, const char* command);

// The report as JSON to `report_path`, then as HTML to `html_path`; an empty
// path writes nothing. False after printing the first error.
bool write_report_files(const nlohmann::ordered_json& report, const std::string& report_path,
                        const std::string& html_path, const char* command);

}  // namespace clsim::cli
