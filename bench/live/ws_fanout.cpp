#include "bench/live/ws_fanout.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "bench/live/io_wait.hpp"
#include "sim/differential/endpoint.hpp"

namespace clsim::live_bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;

namespace {

constexpr int kConnectsInFlight = 200;  // serve's accept backlog is not flooded
constexpr auto kConnectTimeout = 180s;
constexpr auto kUpdateTimeout = 30s;

// What every client's frames add up to; single-threaded (one io_context).
struct Tally {
  const WallClock* clock = nullptr;
  std::int64_t frames = 0;
  int connected = 0, failed = 0, closed = 0, connecting = 0;
  std::vector<std::int64_t> latency_us;
  std::map<std::string, std::int64_t> slowest_by_campaign;
};

// A number after `"key":` in a frame; -1 when absent. The frame is serve's own
// state_frame() text, so a scan is enough (and keeps parsing off the latency).
std::int64_t number_after(const std::string& text, const char* key) {
  const auto at = text.find(key);
  if (at == std::string::npos) return -1;
  return std::strtoll(text.c_str() + at + std::strlen(key), nullptr, 10);
}

std::string string_after(const std::string& text, const char* key) {
  const auto at = text.find(key);
  if (at == std::string::npos) return {};
  const auto from = at + std::strlen(key);
  return text.substr(from, text.find('"', from) - from);
}

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, Tally& tally) : ws_(io), tally_(tally) {}

  void start(const asio::ip::tcp::endpoint& to, std::function<void()> settled) {
    settled_ = std::move(settled);
    ++tally_.connecting;
    beast::get_lowest_layer(ws_).expires_after(30s);
    beast::get_lowest_layer(ws_).async_connect(to, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      self->ws_.async_handshake("127.0.0.1", "/v1/ws", [self](beast::error_code ec) {
        if (ec) return self->fail();
        beast::get_lowest_layer(self->ws_).expires_never();
        --self->tally_.connecting;
        ++self->tally_.connected;
        self->settled_();
        self->read();
      });
    });
  }

  void close() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void fail() {
    --tally_.connecting;
    ++tally_.failed;
    settled_();
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        ++self->tally_.closed;
        return;
      }
      const auto now = self->tally_.clock->now_us();  // first: parsing is not latency
      const std::string text = beast::buffers_to_string(self->in_.data());
      self->in_.consume(self->in_.size());
      const auto lat = now - number_after(text, "\"time_us\":");
      self->tally_.latency_us.push_back(lat);
      auto& slowest = self->tally_.slowest_by_campaign[string_after(text, "\"campaign_id\":\"")];
      slowest = std::max(slowest, lat);
      ++self->tally_.frames;
      self->read();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer in_;
  Tally& tally_;
  std::function<void()> settled_;
};

}  // namespace

nlohmann::json FanoutResult::json() const {
  return {{"clients", clients},     {"connected", connected},           {"updates", updates},
          {"frames", frames},       {"expected_frames", expected},      {"closed_early", closed_early},
          {"connect_s", connect_s}, {"latency", to_json(latency)},      {"slowest_client", to_json(last_client)}};
}

FanoutResult run_fanout(int serve_port, const std::string& token, int clients, int updates, const WallClock& clock) {
  asio::io_context io;
  Tally tally;
  tally.clock = &clock;
  tally.latency_us.reserve(std::size_t(clients) * std::size_t(updates));
  const asio::ip::tcp::endpoint to(asio::ip::make_address("127.0.0.1"), std::uint16_t(serve_port));
  std::vector<std::shared_ptr<Client>> all;
  all.reserve(std::size_t(clients));

  // Connect with at most kConnectsInFlight handshakes open at once.
  const auto t0 = std::chrono::steady_clock::now();
  int started = 0;
  std::function<void()> next = [&] {
    while (started < clients && tally.connecting < kConnectsInFlight) {
      all.push_back(std::make_shared<Client>(io, tally));
      ++started;
      all.back()->start(to, [&] { asio::post(io, [&] { next(); }); });
    }
  };
  next();
  run_until(io, [&] { return tally.connected + tally.failed >= clients; }, kConnectTimeout);
  FanoutResult r;
  r.clients = clients;
  r.connected = tally.connected;
  r.connect_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // serve adds a client once its handshake answer is written: let the last ones land.
  run_for(io, 500ms);

  differential::Endpoint api(io, serve_port, token);
  for (int u = 0; u < updates; ++u) {
    const nlohmann::json body{{"owner", "bench"},
                              {"budget", 1000},
                              {"rates", {{"like", 1}, {"retweet", 1}, {"quote", 1}, {"reply", 1}}},
                              {"duration_us", 3'600'000'000LL},
                              {"claim_window_us", 3'600'000'000LL}};
    bool answered = false;
    api.call("POST", "/v1/campaigns", body, [&](const live::HttpResult& res) {
      answered = true;
      if (res.status != 201) std::fprintf(stderr, "fanout: create answered %d %s\n", res.status, res.body.c_str());
    });
    const std::int64_t want = std::int64_t(tally.connected - tally.closed) * (u + 1);
    run_until(io, [&] { return answered && tally.frames >= want; }, kUpdateTimeout);
    run_for(io, 20ms);  // a gap, so updates do not overlap
  }
  r.updates = updates;
  r.frames = tally.frames;
  r.expected = std::int64_t(tally.connected) * updates;
  r.closed_early = tally.closed + tally.failed;
  r.latency = summarize(std::move(tally.latency_us));
  std::vector<std::int64_t> slowest;
  for (const auto& [campaign, us] : tally.slowest_by_campaign) slowest.push_back(us);
  r.last_client = summarize(std::move(slowest));
  for (auto& c : all) c->close();
  run_for(io, 200ms);
  return r;
}

}  // namespace clsim::live_bench
