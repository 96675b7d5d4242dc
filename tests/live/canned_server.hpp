// Helpers for adapter tests on one io_context: a bounded loop, a port call or an
// HTTP request run to its single completion, and an in-process HTTP server that
// records what a client sent and answers a canned status, body and headers (or
// nothing at all).
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "engine/adapters/live/http/http_client.hpp"
#include "engine/adapters/live/http/http_server.hpp"

namespace clsim::live {

// Runs the loop until `done()` or the bound passes; never unbounded.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds bound = std::chrono::milliseconds(5000)) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (!done() && std::chrono::steady_clock::now() < until) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return done();
}

// Starts one port call and runs it to its completion, which must come exactly once.
template <class Result, class Start>
Result complete(boost::asio::io_context& io, Start start) {
  std::optional<Result> out;
  int calls = 0;
  start([&](Result r) {
    ++calls;
    out = std::move(r);
  });
  EXPECT_TRUE(run_until(io, [&] { return out.has_value(); }));
  EXPECT_EQ(calls, 1);
  return out.value_or(Result{});
}

// A base URL on the loopback for a test server's port.
inline Url local_url(std::uint16_t port, std::string scheme = "http") {
  return *parse_url(scheme + "://127.0.0.1:" + std::to_string(port));
}

inline HttpClientOptions quick(engine::Duration timeout = engine::Duration(2'000'000)) {
  HttpClientOptions o;
  o.timeout = timeout;
  return o;
}

// One request, run to its completion; fails the test when it never completes.
inline HttpResult call(boost::asio::io_context& io, HttpClient& client, std::string method, std::string target,
                       std::map<std::string, std::string> headers = {}, std::string body = {}) {
  std::optional<HttpResult> out;
  client.request(std::move(method), std::move(target), std::move(headers), std::move(body), "TEST",
                 [&](HttpResult r) { out = std::move(r); });
  EXPECT_TRUE(run_until(io, [&] { return out.has_value(); }, std::chrono::milliseconds(10000)));
  return out.value_or(HttpResult{});
}

struct CannedAnswer {
  http::status status = http::status::ok;
  nlohmann::json body = nlohmann::json::object();
  std::map<std::string, std::string> headers;
  std::string content_type = "application/json";
};

// An HTTP server on 127.0.0.1:0 that records every request and answers `answer`;
// `silent` parks the requests unanswered (a peer that never replies).
struct CannedServer {
  explicit CannedServer(boost::asio::io_context& io)
      : server(io, "127.0.0.1", 0, [this](const HttpRequest& req, Respond respond) {
          seen.push_back(req);
          if (silent) return parked.push_back(std::move(respond));
          auto res = json_response(req, answer.status, answer.body, answer.content_type);
          for (const auto& [k, v] : answer.headers) res.set(k, v);
          respond(std::move(res));
        }) {}
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
  const HttpRequest& last() const { return seen.back(); }
  std::string target() const { return std::string(target_of(last())); }
  std::string path() const { return std::string(target_path(target_of(last()))); }
  std::optional<std::string> query(const char* name) const { return query_param(target_of(last()), name); }
  std::string authorization() const { return std::string(to_std(last()[http::field::authorization])); }

  CannedAnswer answer;
  bool silent = false;
  std::vector<HttpRequest> seen;
  std::vector<Respond> parked;
  HttpServer server;
};

}  // namespace clsim::live
