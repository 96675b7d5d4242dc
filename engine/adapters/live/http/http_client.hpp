// An asynchronous HTTP/1.1 client for the live adapters' outside services (the X
// API, the ledger gateway): one base URL per client, keep-alive connections kept
// in a small idle pool, https with certificate verification, and one deadline per
// request that covers resolve, connect, handshake, write and read.
//
// Single-threaded: construct, call and destroy it on the io_context's thread, and
// destroy it before the io_context. Every request completes exactly once, always
// through a handler posted to the io_context (never inline), unless the client is
// destroyed first: then its callback never runs.
//
// Retries: an idle connection the server has closed is noticed before reuse and
// dropped. A request on a reused connection that fails before any byte of the
// answer arrived is sent once more on a fresh connection when it never fully went
// out or its method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS). Nothing else
// is retried here: once a request could have been processed (a POST that was
// written), retrying is the caller's decision.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/live/http/url.hpp"
#include "engine/core/time.hpp"

namespace clsim::live {

class Metrics;

struct HttpClientOptions {
  engine::Duration timeout = engine::Duration(10'000'000);  // per request, connect included
  bool verify_tls = true;
  std::string ca_file;  // PEM bundle to trust; "" = the system's default paths
  std::size_t idle_connections_max = 8;  // keep-alive pool of this client
  Metrics* metrics = nullptr;  // when set, every request is observed as kOutsideCall
  std::string service;         // that metric's `service` label: "x", "ledger"
};

// Where an outside-service adapter (XApiSocial, LedgerGateway) sends its
// requests and how: their options extend this.
struct ServiceEndpoint {
  std::string base_url;  // e.g. "https://api.x.com", or mockd's "http://127.0.0.1:PORT"
  engine::Duration timeout = engine::Duration(10'000'000);
  Metrics* metrics = nullptr;
  bool verify_tls = true;
  std::string ca_file;  // "" = the system's trust store
};

struct HttpResult {
  int status = 0;  // 0: no answer (refused, reset, TLS failure, deadline, body over the limit)
  std::map<std::string, std::string> headers;  // lower-case names; repeats joined with ", "
  std::string body;
  std::string error;  // why status is 0, e.g. "connect: Connection refused"
  engine::Duration latency{};

  // The header's value, or "" when absent. `name` in lower case.
  std::string header(const std::string& name) const;
};

// Answers larger than this are refused (status 0) rather than buffered.
inline constexpr std::size_t kHttpBodyLimitBytes = 8 * 1024 * 1024;

class HttpClient {
 public:
  // Throws std::invalid_argument when `options.ca_file` cannot be loaded.
  HttpClient(boost::asio::io_context& io, Url base, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is path plus query, appended to the base URL's path. `call` names the
  // request in metrics ("POST /2/tweets", "GET /2/tweets/:id/liking_users"): never
  // a raw id or a token. A body without a content-type header is sent as JSON.
  void request(std::string method, std::string target, std::map<std::string, std::string> headers,
               std::string body, std::string call, std::function<void(HttpResult)> done);

  const Url& base() const;
  // Connections this client opened so far (a reused one counts once).
  std::uint64_t connections_opened() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// A client for `endpoint`, its metrics labelled `service` ("x", "ledger"). Throws
// std::invalid_argument naming the service when the base URL is not http(s) or
// the CA file cannot be loaded.
std::unique_ptr<HttpClient> client_for(boost::asio::io_context& io, const ServiceEndpoint& endpoint,
                                       const std::string& service);

// The standard reason phrase of a status ("Service Unavailable"), "" when unknown.
std::string_view http_reason(int status);

}  // namespace clsim::live
