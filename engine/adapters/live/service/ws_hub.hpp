// The live Notifier: campaign state updates to WebSocket clients of GET /v1/ws.
// A client names one campaign or none (all) and may ask for the updates after a
// sequence number (`since`): those come first, read from the store, then the live
// ones, deduplicated by seq, so a reconnecting client sees a gap-free sequence.
// Each client has one write in flight and a bounded queue of live frames (the
// backlog does not count against it); a client that falls behind is closed with
// 1008 and, should it not answer the close, its socket is shut on a timer.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/live/http/http_server.hpp"
#include "engine/adapters/live/metrics.hpp"
#include "engine/ports/notifier.hpp"

namespace clsim::live {

struct WsHubOptions {
  std::size_t queue_max = 256;                                   // live frames waiting per client
  engine::Duration close_timeout = engine::Duration(2'000'000);  // a close the client never answers
  std::size_t clients_max = 20'000;
};

// {"type","campaign_id","seq","state","time_us"}: one text frame.
std::string state_frame(const engine::StateUpdate& update);

class WsClient;

class WsHub final : public engine::Notifier {
 public:
  // The updates after `since` of one campaign ("" = every campaign), in order.
  using Backlog = std::function<std::vector<engine::StateUpdate>(const std::string& campaign, std::int64_t since)>;

  WsHub(boost::asio::io_context& io, Backlog backlog, Metrics* metrics, WsHubOptions options = {});
  ~WsHub() override;
  WsHub(const WsHub&) = delete;
  WsHub& operator=(const WsHub&) = delete;

  // Takes an upgrade request for /v1/ws?campaign=ID&since=SEQ; a malformed one is
  // answered 400 over HTTP on the same stream.
  void accept(boost::beast::tcp_stream stream, HttpRequest req);
  void publish(const engine::StateUpdate& update) override;
  std::size_t clients() const { return clients_.size(); }
  // Closes every client (1001 going away); used at shutdown.
  void close_all();

 private:
  friend class WsClient;
  void joined(const std::shared_ptr<WsClient>& c);
  void left(WsClient* c);
  void gauge();
  std::vector<std::shared_ptr<WsClient>> snapshot() const;

  boost::asio::io_context& io_;
  Backlog backlog_;
  Metrics* metrics_;
  WsHubOptions options_;
  std::map<WsClient*, std::shared_ptr<WsClient>> clients_;
};

}  // namespace clsim::live
