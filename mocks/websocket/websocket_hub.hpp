// WebSocketHub: the world-level Notifier engines publish campaign updates into,
// and the simulated dashboard clients behind it. Each client subscribes to
// campaigns, receives updates after a latency on the world's Clock (owner 0),
// keeps its view (last seq + state per campaign), resyncs on a seq gap, gets
// disconnected (faults, or a full send queue), and reconnects with full-jitter
// exponential backoff, then resyncs from its last seq through the resync function
// (the simulator wires it to Engine::updates_since). Idle clients schedule nothing.
#pragma once
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/ports/clock.hpp"
#include "engine/ports/notifier.hpp"
#include "engine/ports/random.hpp"
#include "mocks/fault_counter.hpp"
#include "mocks/websocket/websocket_types.hpp"

namespace clsim::mocks {

class WebSocketHub final : public engine::Notifier {
 public:
  using ClientId = std::size_t;
  using ResyncFn =
      std::function<std::vector<engine::StateUpdate>(const std::string& campaign_id, std::int64_t after_seq)>;

  WebSocketHub(engine::Clock& world_clock, engine::Random& random, FaultCounter& counter,
               WebSocketOptions options = {});
  WebSocketHub(const WebSocketHub&) = delete;
  WebSocketHub& operator=(const WebSocketHub&) = delete;

  WebSocketFaultConfig faults;  // live: faults{} and heal() change it mid-run
  // Named moments for the coverage's "sometimes" counts (a failed catch-up retried).
  void set_sometimes(std::function<void(const char*)> mark) { sometimes_ = std::move(mark); }

  // world.faults.websocket: check_faults validates a table (error text, or empty),
  // merge_faults applies a valid one, heal() turns the faults off.
  std::string check_faults(const nlohmann::json& table) const;
  void merge_faults(const nlohmann::json& table);
  void heal() { faults = WebSocketFaultConfig{}; }

  void set_resync(ResyncFn fn) { resync_ = std::move(fn); }
  ClientId add_client();
  // Starts following a campaign; a connected client fetches what it missed at once.
  void subscribe(ClientId client, const std::string& campaign_id);
  void publish(const engine::StateUpdate& update) override;
  // The connection closes (network or server); the client will reconnect.
  void disconnect(ClientId client, CloseCode code);

  std::size_t client_count() const { return clients_.size(); }
  bool connected(ClientId client) const { return clients_.at(client).connected; }
  bool slow(ClientId client) const { return int(client) < faults.slow_clients; }
  const std::map<std::string, CampaignView>& view(ClientId client) const { return clients_.at(client).views; }
  const ClientStats& stats(ClientId client) const { return clients_.at(client).stats; }
  std::size_t queue_depth(ClientId client) const { return clients_.at(client).queue.size(); }
  // The newest update the hub has seen per campaign.
  const std::map<std::string, engine::StateUpdate>& latest() const { return latest_; }
  std::int64_t deliveries() const { return deliveries_; }
  // Every (campaign, seq) the engines published, with the state it first carried;
  // and each time one was published again carrying another state.
  const std::map<std::pair<std::string, std::int64_t>, std::string>& sent_states() const { return sent_; }
  const std::vector<std::string>& seq_conflicts() const { return seq_conflicts_; }
  // "client <n> <campaign>: seq <a> != <b>" for every subscribed view behind latest().
  std::vector<std::string> lagging_views() const;

 private:
  static std::string client_subject(ClientId id) { return "client " + std::to_string(id + 1); }
  struct Queued {
    engine::StateUpdate update;
    engine::TimePoint ready_at;
  };
  struct Client {
    bool connected = true;
    std::set<std::string> campaigns;
    std::map<std::string, CampaignView> views;
    std::deque<Queued> queue;
    std::optional<engine::TimerId> pump;
    engine::TimePoint next_read_at{};  // a slow client reads again no earlier than this
    int reconnect_attempt = 0;
    std::map<std::string, std::int64_t> behind;  // campaign -> seq it knows exists but lacks
    std::map<std::string, int> resync_attempts;
    ClientStats stats;
  };

  void enqueue(ClientId id, const engine::StateUpdate& update);
  void schedule_pump(ClientId id, engine::TimePoint at);
  void pump(ClientId id);
  void apply(ClientId id, const engine::StateUpdate& update);
  // Fetches what the client lacks for a campaign; true when it caught up.
  bool resync(ClientId id, const std::string& campaign_id);
  void schedule_resync_retry(ClientId id, const std::string& campaign_id);
  void reconnect(ClientId id);
  void close(ClientId id, CloseCode code);
  engine::TimerId after(engine::Duration delay, const char* label, std::function<void()> fn);

  engine::Clock& clock_;
  engine::Random& random_;
  FaultCounter& counter_;
  WebSocketOptions options_;
  ResyncFn resync_;
  std::vector<Client> clients_;
  std::map<std::string, engine::StateUpdate> latest_;
  std::map<std::pair<std::string, std::int64_t>, std::string> sent_;
  std::vector<std::string> seq_conflicts_;
  std::int64_t deliveries_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::function<void(const char*)> sometimes_;
};

}  // namespace clsim::mocks
