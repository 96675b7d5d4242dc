#include "sim/differential/endpoint.hpp"

#include <chrono>

namespace clsim::differential {

Endpoint::Endpoint(boost::asio::io_context& io, int port, std::string token) : io_(io), token_(std::move(token)) {
  const auto url = live::parse_url("http://127.0.0.1:" + std::to_string(port));
  live::HttpClientOptions options;
  options.idle_connections_max = 4;
  client_ = std::make_unique<live::HttpClient>(io, *url, options);
}

void Endpoint::call(const std::string& method, const std::string& target, const nlohmann::json& body, Done done) {
  std::map<std::string, std::string> headers;
  if (!token_.empty()) headers["authorization"] = "Bearer " + token_;
  client_->request(method, target, std::move(headers), body.is_null() ? std::string() : body.dump(),
                   method + " differential", [done = std::move(done)](live::HttpResult r) { done(r); });
}

live::HttpResult Endpoint::call_now(const std::string& method, const std::string& target, const nlohmann::json& body) {
  live::HttpResult out;
  bool answered = false;
  call(method, target, body, [&](const live::HttpResult& r) {
    out = r;
    answered = true;
  });
  while (!answered) {
    if (io_.stopped()) io_.restart();
    io_.run_one_for(std::chrono::milliseconds(100));
  }
  return out;
}

nlohmann::json Endpoint::get_json(const std::string& target) {
  const auto r = call_now("GET", target);
  return r.status == 200 ? body_json(r) : nlohmann::json();
}

nlohmann::json body_json(const live::HttpResult& r) {
  return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace clsim::differential
