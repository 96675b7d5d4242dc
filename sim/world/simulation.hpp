// A simulated deployment of the campaign engine: the world (virtual time, trace,
// streams), the mock services every engine shares (X, Hedera, Redis, WebSocket
// hub), the simulated disk holding the one database, and N engine slots.
// Scenarios, replays and property tests all build their runs through this class.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "engine/queries.hpp"
#include "mocks/fault_counter.hpp"
#include "mocks/hedera/hedera_service.hpp"
#include "mocks/redis/bus_faults.hpp"
#include "mocks/redis/redis_mock.hpp"
#include "mocks/twitter/twitter_service.hpp"
#include "mocks/websocket/websocket_hub.hpp"
#include "sim/disk/sim_disk.hpp"
#include "sim/disk/sim_disk_storage.hpp"
#include "sim/world/engine_host.hpp"
#include "sim/world/world.hpp"

namespace clsim::sim {

class InvariantChecker;

class Simulation {
 public:
  inline static const std::string kDatabase = "campaigns.db";

  // `world` in config is the effective world{} table (engines, audience,
  // accounts, faults). Throws std::invalid_argument naming a bad key.
  Simulation(WorldConfig config, std::string_view identity, engine::Mutations mutations = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  World& world() { return world_; }
  int engine_count() const { return int(hosts_.size()); }
  EngineHost& host(int n) { return *hosts_.at(std::size_t(n - 1)); }

  // Commands go to the lowest-numbered live engine; none live is a refusal.
  engine::CommandResult create(const engine::CampaignSpec& spec);
  engine::CommandResult update(const std::string& id, const engine::CampaignUpdate& change, const std::string& by);
  engine::CommandResult publish(const std::string& id, const std::string& by);
  engine::CommandResult claim(const std::string& id, const std::string& user);
  // A user engages with the campaign's first tweet on mock X, now; false when the
  // campaign has no first tweet yet or the user already engaged that way.
  bool engage(const std::string& id, const std::string& user, engine::EngagementKind kind);
  engine::CommandResult create_rule_campaign(const engine::RuleCampaignSpec& spec);
  engine::CommandResult customer_event(const engine::CustomerEvent& event);
  // A batch in one transaction; every event refused alike when no engine runs.
  std::vector<engine::CommandResult> customer_events(const std::vector<engine::CustomerEvent>& events);
  engine::CommandResult redrive(const std::string& event_id);

  // crash(n): a process crash, or with disk.lose_unsynced_on_crash a power loss
  // that stops every engine on the disk. A restart is scheduled when asked.
  void crash(int n, std::optional<Duration> restart_after = std::nullopt);
  void restart(int n);

  // Merges a fault table ({"twitter": {...}, ...}); heal() turns every fault off.
  // Returns "" or an error naming the bad key (nothing changed then).
  std::string merge_faults(const nlohmann::json& table);
  void heal();
  const nlohmann::ordered_json& faults_in_force() const { return faults_; }
  nlohmann::ordered_json fault_counts() const;
  bool lose_unsynced_on_crash() const;

  // The harness's view of the store, as of now: every read goes through here.
  engine::StoreReader& reader();
  // A connection of the harness's own for queries the reader has no call for,
  // seeing the store as of now. May throw engine::StoreError.
  std::unique_ptr<engine::SqliteDb> open_harness_db();
  mocks::TwitterService& twitter() { return *twitter_; }
  mocks::HederaService& hedera() { return *hedera_; }
  mocks::WebSocketHub& hub() { return *hub_; }
  SimDisk& disk() { return *disk_; }
  mocks::RedisMock& redis() { return redis_; }
  mocks::FaultCounter& fault_counter() { return counter_; }
  const engine::Mutations& mutations() const { return mutations_; }
  InvariantChecker& invariants() { return *checker_; }

  // Observers of every state update an engine publishes (before the hub sees it).
  void add_state_listener(std::function<void(const engine::StateUpdate&)> fn) { listeners_.push_back(std::move(fn)); }
  // Called by engine hosts when an engine's hooks see a crash point fire.
  void note_crash_point(int n, Duration restart_after) { pending_restart_[n] = restart_after; }

 private:
  friend class EngineHost;
  void on_handler_exception(int owner, std::exception_ptr e);
  template <class F>
  engine::CommandResult route(const char* what, F&& call);
  void count_crash() { counter_.add("crash"); }

  World world_;
  engine::Mutations mutations_;
  mocks::FaultCounter counter_;
  SimClock world_clock_;
  nlohmann::ordered_json faults_ = nlohmann::ordered_json::object();
  std::unique_ptr<SimDisk> disk_;
  std::unique_ptr<SimDiskStorage> storage_;  // the database file on disk_, for every engine
  std::unique_ptr<SimDiskStorage> harness_storage_;  // the same file through the harness VFS, for the reader
  std::unique_ptr<mocks::TwitterService> twitter_;
  std::unique_ptr<mocks::HederaService> hedera_;
  mocks::RedisMock redis_;
  std::unique_ptr<mocks::BusFaults> bus_faults_;
  std::unique_ptr<mocks::WebSocketHub> hub_;
  engine::EngineOptions engine_base_;  // world.engine's timing; each host adds name and mutations
  mocks::TwitterConfig twitter_base_;
  mocks::HederaConfig hedera_base_;
  std::vector<std::unique_ptr<EngineHost>> hosts_;
  std::unique_ptr<engine::StoreReader> reader_;
  std::uint64_t reader_epoch_ = 0;  // SimDisk::harness_epoch() when reader_ was made
  std::unique_ptr<InvariantChecker> checker_;
  std::map<int, Duration> pending_restart_;
  std::vector<mocks::WebSocketHub::ClientId> clients_;
  std::vector<std::function<void(const engine::StateUpdate&)>> listeners_;
  // The Notifier engines publish into: tells listeners, then the WebSocket hub.
  struct Tap final : engine::Notifier {
    explicit Tap(Simulation& s) : sim(s) {}
    void publish(const engine::StateUpdate& u) override;
    Simulation& sim;
  } tap_{*this};
};

}  // namespace clsim::sim
