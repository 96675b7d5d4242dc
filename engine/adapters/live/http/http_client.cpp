#include "engine/adapters/live/http/http_client.hpp"

#include <cctype>
#include <chrono>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "engine/adapters/live/http/http_connection.hpp"
#include "engine/adapters/live/metrics.hpp"

namespace clsim::live {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using http_detail::Connection;
using http_detail::make_tls_context;

namespace {

// X's answers carry a few kilobytes of headers (CSP, rate limits, tracing);
// Beast's default of 8 KiB is too tight to be safe.
constexpr std::uint32_t kHeaderLimitBytes = 64 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Exchange;

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::options || v == http::verb::put ||
         v == http::verb::delete_ || v == http::verb::trace;
}

}  // namespace

struct HttpClient::Impl {
  Impl(asio::io_context& i, Url b, HttpClientOptions o) : io(i), base(std::move(b)), options(std::move(o)) {}

  std::shared_ptr<Connection> take_idle() {
    while (!idle.empty()) {
      auto conn = std::move(idle.back());
      idle.pop_back();
      if (conn->looks_open()) return conn;
      conn->close();
    }
    return nullptr;
  }
  void give_back(std::shared_ptr<Connection> conn) {
    if (closed || options.idle_connections_max == 0) return conn->close();
    idle.push_back(std::move(conn));
    if (idle.size() > options.idle_connections_max) {  // drop the least recently used
      idle.front()->close();
      idle.erase(idle.begin());
    }
  }

  asio::io_context& io;
  Url base;
  HttpClientOptions options;
  std::optional<ssl::context> tls;
  std::vector<std::shared_ptr<Connection>> idle;  // most recently used last
  std::set<Exchange*> in_flight;                   // aborted when the client goes
  std::uint64_t opened = 0;
  bool closed = false;
};

namespace {

// One request from start to its single completion, across at most two attempts.
// Every handler of an operation on a connection holds that connection (conn =
// conn_): finish() may drop conn_ while the operation is pending, and Beast still
// touches the stream and the buffer when it completes.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Impl = HttpClient::Impl;
  Exchange(std::shared_ptr<Impl> impl, http::request<http::string_body> req, std::string call,
           std::function<void(HttpResult)> done)
      : impl_(std::move(impl)),
        req_(std::move(req)),
        call_(std::move(call)),
        done_(std::move(done)),
        resolver_(impl_->io),
        deadline_(impl_->io),
        started_(SteadyClock::now()) {}  // clsim-allow-nondeterminism: live latency
  ~Exchange() { impl_->in_flight.erase(this); }

  void start() {
    impl_->in_flight.insert(this);
    deadline_.expires_after(impl_->options.timeout);
    deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->on_deadline();
    });
    attempt(false);
  }

  // The client is going away: stop everything and never call back.
  void abort() {
    if (finished_) return;
    finished_ = true;
    stop_io();
    impl_->in_flight.erase(this);
  }

  static void fail_now(const std::shared_ptr<Impl>& impl, std::string error, std::function<void(HttpResult)> done) {
    HttpResult r;
    r.error = std::move(error);
    asio::post(impl->io, [impl, r = std::move(r), done = std::move(done)]() mutable {
      if (!impl->closed) done(std::move(r));
    });
  }

 private:
  void attempt(bool fresh_only) {
    request_sent_ = false;
    if (!fresh_only) {
      if (auto conn = impl_->take_idle()) {
        conn_ = std::move(conn);
        reused_ = true;
        return write();
      }
    }
    reused_ = false;
    conn_ = std::make_shared<Connection>(impl_->io, impl_->tls ? &*impl_->tls : nullptr);
    ++impl_->opened;
    stage_ = "resolve";
    resolver_.async_resolve(impl_->base.host, std::to_string(impl_->base.port),
                            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (self->finished_) return;
                              if (ec) return self->fail(ec);
                              self->connect(results);
                            });
  }

  void connect(const tcp::resolver::results_type& results) {
    stage_ = "connect";
    auto on_connect = [self = shared_from_this(), conn = conn_](beast::error_code ec, const tcp::endpoint&) {
      if (self->finished_) return;
      if (ec) return self->fail(ec);
      if (self->conn_->tls()) return self->handshake();
      self->write();
    };
    conn_->tcp().async_connect(results, std::move(on_connect));
  }

  void handshake() {
    stage_ = "tls handshake";
    auto* tls = conn_->tls();
    const std::string& host = impl_->base.host;
    beast::error_code not_ip;
    asio::ip::make_address(host, not_ip);
    // SNI carries names only (RFC 6066); the name also selects the certificate.
    if (not_ip && !SSL_set_tlsext_host_name(tls->native_handle(), host.c_str()))
      return fail(beast::error_code(int(::ERR_get_error()), asio::error::get_ssl_category()));
    if (impl_->options.verify_tls) tls->set_verify_callback(ssl::host_name_verification(host));
    tls->async_handshake(ssl::stream_base::client, [self = shared_from_this(), conn = conn_](beast::error_code ec) {
      if (self->finished_) return;
      if (ec) return self->fail(ec);
      self->write();
    });
  }

  void write() {
    stage_ = "write";
    conn_->visit([this](auto& stream) {
      http::async_write(stream, req_, [self = shared_from_this(), conn = conn_](beast::error_code ec, std::size_t) {
        if (self->finished_) return;
        if (ec) return self->fail(ec);
        self->request_sent_ = true;
        self->read();
      });
    });
  }

  void read() {
    stage_ = "read";
    parser_.emplace();
    parser_->body_limit(kHttpBodyLimitBytes);
    parser_->header_limit(kHeaderLimitBytes);
    if (req_.method() == http::verb::head) parser_->skip(true);
    // Header first: Beast 1.74 loses finish_header's body_limit error when it parses
    // eagerly (as async_read does) and body bytes came with the header, so an
    // over-long Content-Length would be read whole. async_read_header is not eager.
    conn_->visit([this](auto& stream) {
      http::async_read_header(stream, conn_->buffer, *parser_,
                              [self = shared_from_this(), conn = conn_](beast::error_code ec, std::size_t) {
                                if (self->finished_) return;
                                if (ec) return self->fail(ec);
                                const auto length = self->parser_->content_length();
                                if (length && *length > kHttpBodyLimitBytes) return self->fail(http::error::body_limit);
                                self->read_body();
                              });
    });
  }

  void read_body() {
    conn_->visit([this](auto& stream) {
      auto on_body = [self = shared_from_this(), conn = conn_](beast::error_code ec, std::size_t) {
        if (self->finished_) return;
        if (ec) return self->fail(ec);
        self->answered();
      };
      http::async_read(stream, conn_->buffer, *parser_, std::move(on_body));
    });
  }

  void answered() {
    // An answer delimited by the end of the stream leaves nothing to reuse.
    const bool reusable = !parser_->need_eof();
    auto res = parser_->release();
    HttpResult r;
    r.status = int(res.result_int());
    for (const auto& field : res) {
      const auto name = field.name_string();
      const auto text = field.value();
      auto& value = r.headers[lower(std::string_view(name.data(), name.size()))];
      if (!value.empty()) value += ", ";
      value.append(text.data(), text.size());
    }
    r.body = std::move(res.body());
    // Bytes past the answer mean the stream is out of step: do not reuse it.
    if (reusable && res.keep_alive() && conn_->buffer.size() == 0) {
      impl_->give_back(std::move(conn_));
    } else {
      conn_->close();
    }
    conn_.reset();
    finish(std::move(r), "");
  }

  void fail(beast::error_code ec) {
    if (ec == http::error::body_limit) return finish_error("answer body over the 8 MiB limit");
    const bool answer_started = parser_ && (parser_->got_some() || conn_->buffer.size() > 0);
    // A reused connection that fails before any answer was most likely closed by
    // the server while it sat idle. A request that never fully went out, or one that
    // is idempotent, may then go once more on a fresh connection; a POST that went
    // out may have been processed, and whether to repeat it is the caller's call.
    const bool replayable = !request_sent_ || idempotent(req_.method());
    if (reused_ && !retried_ && !answer_started && replayable && ec != asio::error::operation_aborted) {
      retried_ = true;
      conn_->close();
      parser_.reset();
      return attempt(true);
    }
    finish_error(stage_ + ": " + ec.message());
  }

  void on_deadline() {
    if (finished_) return;
    deadline_passed_ = true;
    finish_error("no answer within " + std::to_string(impl_->options.timeout.count() / 1000) + " ms (during " +
                 stage_ + ")");
  }

  void finish_error(std::string error) {
    if (conn_) conn_->close();
    HttpResult r;
    finish(std::move(r), std::move(error));
  }

  void stop_io() {
    deadline_.cancel();
    resolver_.cancel();
    if (conn_) conn_->close();
    conn_.reset();
  }

  void finish(HttpResult r, std::string error) {
    if (finished_) return;
    finished_ = true;
    stop_io();
    impl_->in_flight.erase(this);
    r.error = std::move(error);
    // clsim-allow-nondeterminism: live latency
    r.latency = std::chrono::duration_cast<engine::Duration>(SteadyClock::now() - started_);
    if (auto* metrics = impl_->options.metrics) {
      const std::string result = r.status ? std::to_string(r.status) : deadline_passed_ ? "timeout" : "error";
      metrics->observe(kOutsideCall, {{"service", impl_->options.service}, {"call", call_}, {"result", result}},
                       std::chrono::duration<double>(r.latency).count());
    }
    asio::post(impl_->io, [impl = impl_, r = std::move(r), done = std::move(done_)]() mutable {
      if (!impl->closed) done(std::move(r));
    });
  }

  std::shared_ptr<Impl> impl_;
  http::request<http::string_body> req_;
  std::string call_;
  std::function<void(HttpResult)> done_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  SteadyClock::time_point started_;
  std::shared_ptr<Connection> conn_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::string stage_ = "start";
  bool reused_ = false, retried_ = false, request_sent_ = false, finished_ = false, deadline_passed_ = false;
};

}  // namespace

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(asio::io_context& io, Url base, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(base), std::move(options))) {
  if (impl_->base.scheme == "https") impl_->tls.emplace(make_tls_context(impl_->options));
}

HttpClient::~HttpClient() {
  impl_->closed = true;
  for (auto& conn : impl_->idle) conn->close();
  impl_->idle.clear();
  const auto in_flight = impl_->in_flight;  // abort() edits the set
  for (auto* exchange : in_flight) exchange->abort();
}

const Url& HttpClient::base() const { return impl_->base; }

std::uint64_t HttpClient::connections_opened() const { return impl_->opened; }

void HttpClient::request(std::string method, std::string target, std::map<std::string, std::string> headers,
                         std::string body, std::string call, std::function<void(HttpResult)> done) {
  const auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown)
    return Exchange::fail_now(impl_, "unknown method '" + method + "'", std::move(done));
  if (!target.starts_with('/')) return Exchange::fail_now(impl_, "target must start with '/'", std::move(done));
  http::request<http::string_body> req(verb, impl_->base.base_path + target, 11);
  req.set(http::field::host, impl_->base.host_header());
  req.set(http::field::user_agent, "clsim/" CLSIM_VERSION);
  req.set(http::field::accept, "application/json");
  for (auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() && req.find(http::field::content_type) == req.end())
    req.set(http::field::content_type, "application/json");
  req.body() = std::move(body);
  req.keep_alive(true);
  req.prepare_payload();
  auto exchange = std::make_shared<Exchange>(impl_, std::move(req), std::move(call), std::move(done));
  exchange->start();
}

std::string_view http_reason(int status) {
  if (status < 100 || status > 999) return {};
  const auto reason = http::obsolete_reason(http::int_to_status(unsigned(status)));
  return reason == "<unknown-status>" ? std::string_view() : std::string_view(reason.data(), reason.size());
}

std::unique_ptr<HttpClient> client_for(boost::asio::io_context& io, const ServiceEndpoint& endpoint,
                                       const std::string& service) {
  auto url = parse_url(endpoint.base_url);
  if (!url) throw std::invalid_argument(service + ": base_url '" + endpoint.base_url + "' is not an http(s) URL");
  HttpClientOptions http;
  http.timeout = endpoint.timeout;
  http.verify_tls = endpoint.verify_tls;
  http.ca_file = endpoint.ca_file;
  http.metrics = endpoint.metrics;
  http.service = service;
  return std::make_unique<HttpClient>(io, std::move(*url), std::move(http));
}

}  // namespace clsim::live
