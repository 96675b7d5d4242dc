// The live Notifier's WebSocket hub in-process: resync from `since`, dedupe by
// seq, and the bound on a client that stops reading.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "engine/adapters/live/service/ws_hub.hpp"
#include "live/ws_test_client.hpp"

namespace clsim::live {
namespace {

using live_test::WsTestClient;

engine::StateUpdate update(const std::string& id, std::int64_t seq, std::string state = "RUNNING") {
  return engine::StateUpdate{id, seq, std::move(state), nlohmann::json::object(),
                             engine::from_us(1'735'689'600'000'000 + seq)};
}

// A hub behind an HttpServer on 127.0.0.1:0, its io_context on a thread of its own.
class HubServer {
 public:
  explicit HubServer(std::vector<engine::StateUpdate> stored, WsHubOptions options = {})
      : stored_(std::move(stored)),
        hub_(io_, [this](const std::string& c, std::int64_t since) { return backlog(c, since); }, &metrics_, options),
        server_(io_, "127.0.0.1", 0, [](const HttpRequest& r, Respond done) {
          done(error_response(r, http::status::not_found, "ws only"));
        },
                [this](boost::beast::tcp_stream s, HttpRequest r) { hub_.accept(std::move(s), std::move(r)); }),
        thread_([this] { io_.run(); }) {}
  // Runs fn on the server's thread and waits for it.
  template <class F>
  auto on_server(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  ~HubServer() {
    on_server([this] {
      server_.stop();
      hub_.close_all();
    });
    work_.reset();
    io_.stop();
    thread_.join();
  }
  int port() const { return server_.port(); }
  void publish(const engine::StateUpdate& u) {
    on_server([&] { hub_.publish(u); });
  }
  std::size_t clients() { return on_server([this] { return hub_.clients(); }); }
  double metric(const std::string& name) { return on_server([&] { return metrics_.value(name); }); }

 private:
  std::vector<engine::StateUpdate> backlog(const std::string& c, std::int64_t since) const {
    std::vector<engine::StateUpdate> out;
    for (const auto& u : stored_)
      if ((c.empty() || u.campaign_id == c) && u.seq > since) out.push_back(u);
    return out;
  }
  std::vector<engine::StateUpdate> stored_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  Metrics metrics_;
  WsHub hub_;
  HttpServer server_;
  std::thread thread_;
};

std::int64_t seq_of(const std::string& frame) { return nlohmann::json::parse(frame).at("seq").get<std::int64_t>(); }

TEST(WsHub, ResyncSendsTheMissedUpdatesFirstThenLiveOnesWithoutRepeats) {
  std::vector<engine::StateUpdate> stored;
  for (int s = 1; s <= 5; ++s) stored.push_back(update("c-1", s));
  stored.push_back(update("c-2", 1));
  HubServer server(stored);
  WsTestClient client(server.port(), "/v1/ws?campaign=c-1&since=2");
  for (std::int64_t want : {3, 4, 5}) {
    auto f = client.read(std::chrono::seconds(5));
    ASSERT_TRUE(f) << "backlog frame " << want;
    const auto j = nlohmann::json::parse(*f);
    EXPECT_EQ(j.at("type"), "campaign:state:v1:success");
    EXPECT_EQ(j.at("campaign_id"), "c-1");
    EXPECT_EQ(j.at("seq"), want);
    EXPECT_EQ(j.at("time_us"), 1'735'689'600'000'000 + want);
  }
  server.publish(update("c-1", 5));  // already sent from the backlog
  server.publish(update("c-2", 2));  // another campaign
  server.publish(update("c-1", 6));
  auto f = client.read(std::chrono::seconds(5));
  ASSERT_TRUE(f);
  EXPECT_EQ(seq_of(*f), 6);
  EXPECT_FALSE(client.read(std::chrono::milliseconds(200)));
}

TEST(WsHub, WithoutCampaignEveryCampaignsUpdatesArrive) {
  HubServer server({update("c-1", 1), update("c-2", 1)});
  WsTestClient client(server.port(), "/v1/ws?since=0");
  std::set<std::string> seen;
  for (int i = 0; i < 2; ++i) {
    auto f = client.read(std::chrono::seconds(5));
    ASSERT_TRUE(f);
    seen.insert(nlohmann::json::parse(*f).at("campaign_id").get<std::string>());
  }
  EXPECT_EQ(seen, (std::set<std::string>{"c-1", "c-2"}));
}

TEST(WsHub, MalformedSinceIsRefusedBeforeTheUpgrade) {
  HubServer server({});
  EXPECT_THROW(WsTestClient(server.port(), "/v1/ws?since=-3"), std::runtime_error);
  EXPECT_EQ(server.clients(), 0u);
}

TEST(WsHub, ClientThatStopsReadingIsClosedWhileAReadingClientGetsEverything) {
  WsHubOptions options;
  options.queue_max = 64;
  options.close_timeout = engine::Duration(300'000);
  HubServer server({}, options);
  WsTestClient slow(server.port(), "/v1/ws");  // never reads
  constexpr int kUpdates = 3000;
  std::atomic<int> received{0};
  std::atomic<bool> in_order{true};
  std::thread reader([&] {
    WsTestClient good(server.port(), "/v1/ws");
    std::int64_t last = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (received < kUpdates && std::chrono::steady_clock::now() < until) {
      auto f = good.read(std::chrono::milliseconds(200));
      if (!f) continue;
      const auto s = seq_of(*f);
      if (s != last + 1) in_order = false;
      last = s;
      ++received;
    }
  });
  for (int i = 0; i < 200 && server.clients() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(server.clients(), 2u);
  // Big frames fill the slow client's socket buffers; paced so a reading client keeps up.
  const std::string padding(4096, 'x');
  for (int s = 1; s <= kUpdates; ++s) {
    server.publish(update("c-1", s, "RUNNING " + padding));
    if (s % 8 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  reader.join();
  EXPECT_EQ(received, kUpdates);
  EXPECT_TRUE(in_order);
  for (int i = 0; i < 300 && server.clients() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(server.metric("clsim_ws_slow_clients_closed_total"), 1);
}

}  // namespace
}  // namespace clsim::live
