// A blocking HTTP/1.1 client for the live tests: one request a connection, a
// deadline on every call, the status, headers and body back. Tests talk to the
// real servers with it as curl would.
#pragma once
#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::live_test {

struct SyncResponse {
  int status = 0;  // 0: no answer (connection refused, deadline)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // why status is 0
  nlohmann::json json() const;  // the body parsed; null when it is not JSON
  std::string header(const std::string& name) const;
};

struct SyncRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::map<std::string, std::string> headers;
};

SyncResponse http_call(const std::string& host, int port, const SyncRequest& req,
                       std::chrono::milliseconds deadline = std::chrono::milliseconds(10000));
inline SyncResponse http_get(int port, const std::string& target) {
  return http_call("127.0.0.1", port, SyncRequest{"GET", target, {}, {}});
}
inline SyncResponse http_post(int port, const std::string& target, const nlohmann::json& body,
                              std::map<std::string, std::string> headers = {}) {
  headers.emplace("content-type", "application/json");
  return http_call("127.0.0.1", port, SyncRequest{"POST", target, body.dump(), std::move(headers)});
}

}  // namespace clsim::live_test
