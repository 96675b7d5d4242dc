// HttpClient against in-process servers on 127.0.0.1: the live HttpServer with
// canned handlers, a bare keep-alive server that counts connections and drops them
// on purpose, and a TLS server with a certificate the test makes itself.
#include "engine/adapters/live/http/http_client.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>

#include "engine/adapters/live/http/http_server.hpp"
#include "engine/adapters/live/metrics.hpp"
#include "live/canned_server.hpp"

namespace clsim::live {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

void settle(asio::io_context& io, std::chrono::milliseconds how_long) {
  io.restart();
  io.run_for(how_long);
}

// A port nothing listens on: bound once, then released.
std::uint16_t closed_port(asio::io_context& io) {
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return probe.local_endpoint().port();
}

// A bare keep-alive server: counts accepted connections and requests, and drops a
// connection where a test asks, which HttpServer never does on purpose.
class CountingServer {
 public:
  enum class Mode {
    keep,                 // answer every request, keep the connection
    close_after_answer,   // answer, then close (while saying keep-alive)
    drop_second_request,  // answer the first request of a connection, close on the next unanswered
    drop_every_request,   // read each request and close without a byte of answer
  };
  CountingServer(asio::io_context& io, Mode mode)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), mode_(mode) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepts = 0;
  int requests = 0;

 private:
  struct Conn {
    explicit Conn(tcp::socket s) : stream(std::move(s)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
  };
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      ++accepts;
      serve(std::make_shared<Conn>(std::move(socket)), 0);
      accept();
    });
  }
  void serve(std::shared_ptr<Conn> c, int served) {
    c->req = {};
    http::async_read(c->stream, c->buffer, c->req, [this, c, served](beast::error_code ec, std::size_t) {
      if (ec) return;
      ++requests;
      if (mode_ == Mode::drop_every_request || (mode_ == Mode::drop_second_request && served >= 1)) {
        c->stream.socket().close();
        return;
      }
      auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, 11);
      res->body() = "answer " + std::to_string(requests);
      res->keep_alive(true);
      res->prepare_payload();
      http::async_write(c->stream, *res, [this, c, res, served](beast::error_code wec, std::size_t) {
        if (wec) return;
        if (mode_ == Mode::close_after_answer) {
          beast::error_code ignored;
          c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
          c->stream.socket().close(ignored);
          return;
        }
        serve(c, served + 1);
      });
    });
  }
  tcp::acceptor acceptor_;
  Mode mode_;
};

TEST(HttpClient, GetReturnsStatusLowerCaseHeadersAndBody) {
  asio::io_context io;
  std::optional<HttpRequest> seen;
  HttpServer server(io, "127.0.0.1", 0, [&](const HttpRequest& req, Respond respond) {
    seen = req;
    auto res = json_response(req, http::status::ok, {{"hello", "world"}});
    res.set("X-Rate-Limit-Remaining", "299");
    respond(std::move(res));
  });
  HttpClient client(io, *parse_url("http://127.0.0.1:" + std::to_string(server.port()) + "/base/"), quick());
  const auto r = call(io, client, "GET", "/path?q=a%20b", {{"x-custom", "yes"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.header("x-rate-limit-remaining"), "299");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(r.body), (nlohmann::json{{"hello", "world"}}));
  EXPECT_GT(r.latency.count(), 0);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->method(), http::verb::get);
  EXPECT_EQ(std::string(seen->target()), "/base/path?q=a%20b");
  EXPECT_EQ(std::string((*seen)["host"]), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(std::string((*seen)["x-custom"]), "yes");
}

TEST(HttpClient, PostSendsTheBodyAsJsonWithItsLength) {
  asio::io_context io;
  std::optional<HttpRequest> seen;
  HttpServer server(io, "127.0.0.1", 0, [&](const HttpRequest& req, Respond respond) {
    seen = req;
    respond(json_response(req, http::status::created, {{"ok", true}}));
  });
  HttpClient client(io, local_url(server.port()), quick());
  const auto r = call(io, client, "POST", "/things", {}, R"({"a":1})");
  EXPECT_EQ(r.status, 201);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->method(), http::verb::post);
  EXPECT_EQ(seen->body(), R"({"a":1})");
  EXPECT_EQ(std::string((*seen)["content-type"]), "application/json");
  EXPECT_EQ(std::string((*seen)["content-length"]), "7");
}

TEST(HttpClient, HandlerThatNeverAnswersTimesOutWithStatusZeroOnce) {
  asio::io_context io;
  std::vector<Respond> parked;  // kept, so the session stays open and silent
  HttpServer server(io, "127.0.0.1", 0, [&](const HttpRequest&, Respond respond) { parked.push_back(respond); });
  HttpClient client(io, local_url(server.port()), quick(engine::Duration(300'000)));
  int completions = 0;
  HttpResult result;
  client.request("GET", "/slow", {}, {}, "GET /slow", [&](HttpResult r) {
    ++completions;
    result = std::move(r);
  });
  ASSERT_TRUE(run_until(io, [&] { return completions > 0; }, 3000ms));
  settle(io, 200ms);
  EXPECT_EQ(completions, 1);
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("no answer within 300 ms"), std::string::npos) << result.error;
  EXPECT_GE(result.latency, engine::Duration(300'000));
  EXPECT_LT(result.latency, engine::Duration(2'000'000));
  EXPECT_EQ(parked.size(), 1u);
}

TEST(HttpClient, ConnectionRefusedCompletesWithStatusZero) {
  asio::io_context io;
  HttpClient client(io, local_url(closed_port(io)), quick());
  const auto r = call(io, client, "GET", "/");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("connect"), std::string::npos) << r.error;
}

TEST(HttpClient, CompletionIsPostedNeverRunInline) {
  asio::io_context io;
  HttpClient client(io, local_url(closed_port(io)), quick());
  bool done = false;
  client.request("NOT A METHOD", "/", {}, {}, "X", [&](HttpResult r) {
    done = true;
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("unknown method"), std::string::npos);
  });
  EXPECT_FALSE(done);
  EXPECT_TRUE(run_until(io, [&] { return done; }, 1000ms));
}

TEST(HttpClient, NoCallbackRunsAfterTheClientIsDestroyed) {
  asio::io_context io;
  std::vector<Respond> parked;
  HttpServer server(io, "127.0.0.1", 0, [&](const HttpRequest&, Respond respond) { parked.push_back(respond); });
  bool called = false;
  {
    HttpClient client(io, local_url(server.port()), quick(engine::Duration(200'000)));
    client.request("GET", "/", {}, {}, "X", [&](HttpResult) { called = true; });
    run_until(io, [&] { return !parked.empty(); }, 2000ms);
  }
  settle(io, 400ms);  // past the deadline the request had
  EXPECT_FALSE(called);
}

TEST(HttpClient, TwoSequentialRequestsShareOneConnection) {
  asio::io_context io;
  CountingServer server(io, CountingServer::Mode::keep);
  HttpClient client(io, local_url(server.port()), quick());
  EXPECT_EQ(call(io, client, "GET", "/one").body, "answer 1");
  EXPECT_EQ(call(io, client, "GET", "/two").body, "answer 2");
  EXPECT_EQ(server.accepts, 1);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpClient, IdleConnectionTheServerClosedIsReplacedByAFreshOne) {
  asio::io_context io;
  CountingServer server(io, CountingServer::Mode::close_after_answer);
  HttpClient client(io, local_url(server.port()), quick());
  EXPECT_EQ(call(io, client, "GET", "/one").status, 200);
  settle(io, 50ms);  // the server's close lands while the connection idles
  const auto second = call(io, client, "GET", "/two");
  EXPECT_EQ(second.status, 200) << second.error;
  EXPECT_EQ(server.accepts, 2);
  EXPECT_EQ(server.requests, 2);
}

TEST(HttpClient, ReusedConnectionDroppedBeforeAnyAnswerIsRetriedOnceOnAFreshOne) {
  asio::io_context io;
  CountingServer server(io, CountingServer::Mode::drop_second_request);
  HttpClient client(io, local_url(server.port()), quick());
  EXPECT_EQ(call(io, client, "GET", "/one").status, 200);
  const auto second = call(io, client, "GET", "/two");
  EXPECT_EQ(second.status, 200) << second.error;
  EXPECT_EQ(server.accepts, 2);
  EXPECT_EQ(server.requests, 3);  // /one, /two dropped on the old connection, /two again
}

TEST(HttpClient, ReusedConnectionDroppedAfterAPostWentOutIsNotRetried) {
  asio::io_context io;
  CountingServer server(io, CountingServer::Mode::drop_second_request);
  HttpClient client(io, local_url(server.port()), quick());
  EXPECT_EQ(call(io, client, "GET", "/one").status, 200);
  const auto second = call(io, client, "POST", "/2/tweets", {}, R"({"text":"hi"})");
  EXPECT_EQ(second.status, 0);  // the server read it and may have acted on it
  settle(io, 50ms);
  EXPECT_EQ(server.accepts, 1);
  EXPECT_EQ(server.requests, 2);
}

TEST(HttpClient, FreshConnectionDroppedBeforeAnyAnswerIsNotRetried) {
  asio::io_context io;
  CountingServer server(io, CountingServer::Mode::drop_every_request);
  HttpClient client(io, local_url(server.port()), quick());
  const auto r = call(io, client, "POST", "/pay", {}, "{}");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("read"), std::string::npos) << r.error;
  settle(io, 50ms);
  EXPECT_EQ(server.requests, 1);  // the server may have acted: retrying is the caller's call
}

TEST(HttpClient, NoContentAnswerKeepsTheConnection) {
  asio::io_context io;
  HttpServer server(io, "127.0.0.1", 0, [&](const HttpRequest& req, Respond respond) {
    HttpResponse res(http::status::no_content, 11);
    res.keep_alive(req.keep_alive());
    respond(std::move(res));
  });
  HttpClient client(io, local_url(server.port()), quick());
  EXPECT_EQ(call(io, client, "DELETE", "/x").status, 204);
  EXPECT_EQ(call(io, client, "GET", "/x").status, 204);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpClient, AnswerOverTheBodyLimitIsRefused) {
  asio::io_context io;
  HttpServer server(io, "127.0.0.1", 0, [&](const HttpRequest& req, Respond respond) {
    HttpResponse res(http::status::ok, 11);
    res.keep_alive(req.keep_alive());
    res.body().assign(kHttpBodyLimitBytes + 1, 'x');
    respond(std::move(res));
  });
  HttpClient client(io, local_url(server.port()), quick());
  const auto r = call(io, client, "GET", "/big");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("8 MiB"), std::string::npos) << r.error;
}

TEST(HttpClient, MetricsObserveEveryCallWithoutTheToken) {
  asio::io_context io;
  HttpServer server(io, "127.0.0.1", 0, [&](const HttpRequest& req, Respond respond) {
    respond(json_response(req, http::status::ok, {}));
  });
  Metrics metrics;
  HttpClientOptions options = quick();
  options.metrics = &metrics;
  options.service = "x";
  const std::map<std::string, std::string> auth = {{"authorization", "Bearer secret-token-123"}};
  HttpClient client(io, local_url(server.port()), options);
  HttpClient refused(io, local_url(closed_port(io)), options);
  EXPECT_EQ(call(io, client, "GET", "/2/tweets?ids=1", auth).status, 200);
  const auto failed = call(io, refused, "GET", "/2/tweets?ids=1", auth);
  EXPECT_EQ(failed.status, 0);
  EXPECT_EQ(failed.error.find("secret"), std::string::npos);
  const std::string text = metrics.text();
  EXPECT_NE(text.find(R"(call="TEST",result="200",service="x")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(call="TEST",result="error",service="x")"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret"), std::string::npos);
  EXPECT_EQ(text.find("ids=1"), std::string::npos);
}

TEST(HttpClient, ParseUrlReadsSchemeHostPortAndBasePath) {
  const auto a = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->base_path, "");
  EXPECT_EQ(a->host_header(), "127.0.0.1:8080");

  const auto b = parse_url("HTTPS://API.X.com/proxy/v2/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->scheme, "https");
  EXPECT_EQ(b->host, "api.x.com");
  EXPECT_EQ(b->port, 443);
  EXPECT_EQ(b->base_path, "/proxy/v2");
  EXPECT_EQ(b->host_header(), "api.x.com");

  EXPECT_EQ(parse_url("http://example.com")->port, 80);
  const auto v6 = parse_url("http://[::1]:9000/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  EXPECT_EQ(v6->host_header(), "[::1]:9000");
}

TEST(HttpClient, ParseUrlRejectsWhatIsNotABaseUrl) {
  for (const char* bad : {"", "127.0.0.1:8080", "ftp://x.com", "http://", "http://:80", "http://x.com:",
                          "http://x.com:0", "http://x.com:65536", "http://x.com:80a", "http://user@x.com",
                          "http://x.com/?q=1", "http://x.com/#f", "http://[::1", "http://[::1]x", "http://a b.com"})
    EXPECT_FALSE(parse_url(bad)) << bad;
}

TEST(HttpClient, ReasonPhrasesNameStandardStatuses) {
  EXPECT_EQ(http_reason(503), "Service Unavailable");
  EXPECT_EQ(http_reason(429), "Too Many Requests");
  EXPECT_EQ(http_reason(799), "");
}

// --- HTTPS ----------------------------------------------------------------------

}  // namespace
}  // namespace clsim::live
