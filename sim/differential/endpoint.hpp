// One loopback HTTP endpoint of the live stack (serve's API, mockd) for the
// differential driver: live::HttpClient on the run's io_context, JSON bodies, the
// bearer token on every request, and a blocking form for the phases in which
// nothing else runs. Single-threaded, as HttpClient is.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "engine/adapters/live/http/http_client.hpp"

namespace clsim::differential {

class Endpoint {
 public:
  using Done = std::function<void(const live::HttpResult&)>;

  Endpoint(boost::asio::io_context& io, int port, std::string token = {});
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // `body` null: no body. `done` runs on the io_context, exactly once.
  void call(const std::string& method, const std::string& target, const nlohmann::json& body, Done done);
  // Runs the io_context until the answer is in (the client's deadline bounds it).
  live::HttpResult call_now(const std::string& method, const std::string& target,
                            const nlohmann::json& body = nullptr);
  // GET target: the body as JSON when the answer is 200, else null.
  nlohmann::json get_json(const std::string& target);

 private:
  boost::asio::io_context& io_;
  std::string token_;
  std::unique_ptr<live::HttpClient> client_;
};

// The JSON of an answer's body; null when it is not JSON.
nlohmann::json body_json(const live::HttpResult& r);

}  // namespace clsim::differential
