#include "engine/adapters/live/service/ws_hub.hpp"

#include <charconv>
#include <deque>
#include <map>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

namespace clsim::live {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

std::string state_frame(const engine::StateUpdate& u) {
  return nlohmann::json{{"type", engine::kStateUpdateEvent},
                        {"campaign_id", u.campaign_id},
                        {"seq", u.seq},
                        {"state", u.state},
                        {"time_us", engine::to_us(u.at)}}
      .dump();
}

class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  WsClient(WsHub& hub, beast::tcp_stream stream, std::string campaign, std::optional<std::int64_t> since)
      : hub_(&hub), ws_(std::move(stream)), close_timer_(hub.io_), campaign_(std::move(campaign)), since_(since) {}

  void start(HttpRequest req) {
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = std::chrono::seconds(60);  // pings keep a live client; a dead one goes
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.text(true);
    auto shared = std::make_shared<HttpRequest>(std::move(req));
    ws_.async_accept(*shared, [self = shared_from_this(), shared](beast::error_code ec) { self->on_accept(ec); });
  }

  // A state update for this client: from the backlog (not bounded) or live.
  void offer(const engine::StateUpdate& u, bool live) {
    if (closing_ || (!campaign_.empty() && u.campaign_id != campaign_)) return;
    auto& last = last_seq_[u.campaign_id];
    if (u.seq <= last) return;  // already sent (the backlog and live overlap)
    last = u.seq;
    queue_.push_back(Frame{state_frame(u), live});
    if (live && ++live_queued_ > hub_options().queue_max) return fall_behind();
    write_next();
  }

  void close(websocket::close_code code) {
    if (closing_) return;
    closing_ = true;
    close_code_ = code;
    drop_unsent();
    if (!writing_) send_close();
    arm_hard_close();
  }

  void detach() { hub_ = nullptr; }

 private:
  struct Frame {
    std::string text;
    bool live = false;
  };

  const WsHubOptions& hub_options() const { return hub_->options_; }

  void on_accept(beast::error_code ec) {
    if (ec || !hub_) return finish();
    accepted_ = true;
    hub_->joined(shared_from_this());
    // Subscribed before reading the backlog: nothing committed in between is lost,
    // and the overlap is dropped by seq.
    if (since_)
      for (const auto& u : hub_->backlog_(campaign_, *since_)) offer(u, false);
    read_next();
  }

  // Reading keeps pings and close frames flowing; what a client sends is ignored.
  void read_next() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish();
      self->in_.consume(self->in_.size());
      self->read_next();
    });
  }

  void write_next() {
    if (writing_ || queue_.empty() || closing_) return;
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front().text), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (!self->queue_.empty()) {
        if (self->queue_.front().live) --self->live_queued_;
        self->queue_.pop_front();
      }
      if (ec) return self->finish();
      if (self->closing_) return self->send_close();
      self->write_next();
    });
  }

  void fall_behind() {
    if (hub_ && hub_->metrics_) hub_->metrics_->add("clsim_ws_slow_clients_closed_total");
    close(websocket::close_code::policy_error);  // 1008
  }

  // Drops what is queued, except a frame being written (its buffer is in use).
  void drop_unsent() {
    while (queue_.size() > (writing_ ? 1u : 0u)) queue_.pop_back();
    live_queued_ = 0;
  }

  void send_close() {
    if (close_sent_ || !accepted_) return;
    close_sent_ = true;
    ws_.async_close(websocket::close_reason(close_code_), [self = shared_from_this()](beast::error_code) {});
  }

  // A client that stopped reading never completes the close handshake.
  void arm_hard_close() {
    if (!hub_) return;
    close_timer_.expires_after(std::chrono::microseconds(hub_options().close_timeout.count()));
    close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
      self->finish();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    closing_ = true;
    close_timer_.cancel();
    if (hub_) hub_->left(this);
  }

  WsHub* hub_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer close_timer_;
  std::string campaign_;
  std::optional<std::int64_t> since_;
  beast::flat_buffer in_;
  std::deque<Frame> queue_;
  std::size_t live_queued_ = 0;
  std::map<std::string, std::int64_t> last_seq_;
  bool accepted_ = false, writing_ = false, closing_ = false, close_sent_ = false, finished_ = false;
  websocket::close_code close_code_ = websocket::close_code::normal;
};

WsHub::WsHub(asio::io_context& io, Backlog backlog, Metrics* metrics, WsHubOptions options)
    : io_(io), backlog_(std::move(backlog)), metrics_(metrics), options_(options) {
  if (metrics_) metrics_->describe("clsim_ws_clients", "gauge", "WebSocket clients connected to /v1/ws");
  gauge();
}

WsHub::~WsHub() {
  for (const auto& [raw, c] : clients_) c->detach();
}

void WsHub::accept(beast::tcp_stream stream, HttpRequest req) {
  const std::string target(target_of(req));
  std::optional<std::int64_t> since;
  if (auto s = query_param(target, "since")) {
    std::int64_t v = -1;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || end != s->data() + s->size() || v < 0)
      return answer_and_close(std::move(stream),
                              error_response(req, http::status::bad_request, "since must be a sequence number >= 0", "since"));
    since = v;
  }
  if (clients_.size() >= options_.clients_max)
    return answer_and_close(std::move(stream),
                              error_response(req, http::status::service_unavailable, "too many WebSocket clients"));
  const std::string campaign = query_param(target, "campaign").value_or("");
  std::make_shared<WsClient>(*this, std::move(stream), campaign, since)->start(std::move(req));
}

// A client may close (and leave) while offered a frame: walk a copy.
std::vector<std::shared_ptr<WsClient>> WsHub::snapshot() const {
  std::vector<std::shared_ptr<WsClient>> now;
  now.reserve(clients_.size());
  for (const auto& [raw, c] : clients_) now.push_back(c);
  return now;
}

void WsHub::publish(const engine::StateUpdate& update) {
  for (const auto& c : snapshot()) c->offer(update, true);
}

void WsHub::close_all() {
  for (const auto& c : snapshot()) c->close(websocket::close_code::going_away);
}

void WsHub::joined(const std::shared_ptr<WsClient>& c) {
  clients_[c.get()] = c;
  gauge();
}

void WsHub::left(WsClient* c) {
  clients_.erase(c);
  gauge();
}

void WsHub::gauge() {
  if (metrics_) metrics_->set("clsim_ws_clients", {}, double(clients_.size()));
}

}  // namespace clsim::live
