#include "sim/world/simulation.hpp"

#include <stdexcept>

#include "engine/options_json.hpp"
#include "mocks/knob_reader.hpp"
#include "sim/disk/sqlite_prng.hpp"
#include "sim/world/invariant_checker.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::json;

// world.audience as the Lua table gives it -> the Twitter mock's audience knobs.
json audience_knobs(const nlohmann::ordered_json& a) {
  json k = json::object();
  if (a.contains("users")) k["users"] = a["users"];
  if (a.contains("engage_probability")) k["engage_probability"] = a["engage_probability"];
  if (a.contains("mean_delay_us")) k["mean_delay"] = a["mean_delay_us"];
  if (a.contains("weights"))
    for (auto it = a["weights"].begin(); it != a["weights"].end(); ++it) k[it.key() + "_weight"] = it.value();
  return k;
}

// faults.disk; lose_unsynced_on_crash is the simulation's own decision.
std::string merge_disk_faults(DiskFaults& d, const json& t) {
  if (!t.is_object()) return "faults.disk: expected a table";
  DiskFaults next = d;
  for (auto it = t.begin(); it != t.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    const std::string where = "faults.disk." + k;
    bool unused = false;
    std::string err;
    if (k == "torn_write") err = mocks::knobs::read(v, where, next.torn_write);
    else if (k == "full") err = mocks::knobs::read(v, where, next.full);
    else if (k == "ioerr_rate") err = mocks::knobs::read(v, where, next.ioerr_rate);
    else if (k == "lose_unsynced_on_crash") err = mocks::knobs::read(v, where, unused);
    else err = "faults.disk: unknown key '" + k + "'";
    if (!err.empty()) return err;
  }
  d = next;
  return "";
}

}  // namespace

Simulation::Simulation(WorldConfig config, std::string_view identity, engine::Mutations mutations)
    : world_(std::move(config), identity), mutations_(mutations), world_clock_(world_.scheduler(), 0) {
  const auto& w = world_.config().world;
  // SQLite's PRNG is process-wide; reseed it before any database opens.
  reseed_sqlite_prng(world_.config().seed);
  world_.coverage().set_fault_source(&counter_);
  counter_.set_clock(&world_clock_);
  counter_.set_caller([this] { return world_.scheduler().running_owner(); });
  counter_.record(world_.config().record_faults);
  counter_.observe(world_.config().observe_failures);
  engine_base_.capture = world_.config().engine_capture;
  engine_base_.capture_unavailable = engine_base_.capture != nullptr;
  if (const auto& schedule = world_.config().fault_schedule) {
    auto entries = *schedule;
    for (auto& e : entries) e.at = world_.config().start + (e.at - TimePoint{});
    counter_.install_schedule(std::move(entries));
  }
  disk_ = std::make_unique<SimDisk>([this] { return world_.now(); }, world_.stream("disk.sqlite"),
                                    world_.stream("disk.faults"), counter_);
  storage_ = std::make_unique<SimDiskStorage>(*disk_, kDatabase);
  harness_storage_ = std::make_unique<SimDiskStorage>(*disk_, kDatabase, true);
  if (w.contains("audience")) {
    const std::string err = mocks::merge_audience(twitter_base_.audience, audience_knobs(w["audience"]));
    if (!err.empty()) throw std::invalid_argument("world." + err);
  }
  if (w.contains("engine")) {
    const std::string err = engine::apply_timing(engine_base_, w["engine"]);
    if (!err.empty()) throw std::invalid_argument("world." + err);
  }
  if (w.contains("accounts"))
    for (auto it = w["accounts"].begin(); it != w["accounts"].end(); ++it)
      hedera_base_.accounts[it.key()] = engine::Money(it.value().get<std::int64_t>());
  twitter_ = std::make_unique<mocks::TwitterService>(twitter_base_, world_clock_, world_.stream("twitter.faults"),
                                                     world_.stream("twitter.audience"), counter_);
  hedera_ = std::make_unique<mocks::HederaService>(hedera_base_, world_clock_, world_.stream("hedera"), counter_);
  bus_faults_ = std::make_unique<mocks::BusFaults>(world_.stream("bus"), counter_);
  hub_ = std::make_unique<mocks::WebSocketHub>(world_clock_, world_.stream("websocket"), counter_);
  if (w.contains("faults")) {
    const std::string err = merge_faults(w["faults"]);
    if (!err.empty()) throw std::invalid_argument("world." + err);
  }
  world_.scheduler().set_exception_handler([this](int owner, std::exception_ptr e) { on_handler_exception(owner, e); });
  for (int i = 0, n = w.value("clients", 2); i < n; ++i) clients_.push_back(hub_->add_client());
  const int engines = w.value("engines", 1);
  for (int n = 1; n <= engines; ++n) hosts_.push_back(std::make_unique<EngineHost>(*this, n));
  for (auto& h : hosts_) h->start();
  reader_ = std::make_unique<engine::StoreReader>(*harness_storage_);
  hub_->set_resync([this](const std::string& id, std::int64_t after) { return reader().updates_since(id, after); });
  hub_->set_sometimes([this](const char* name) { world_.coverage().sometimes(name); });
  checker_ = std::make_unique<InvariantChecker>(*this);
  world_.set_after_event([this] { checker_->after_event(); });
  world_.set_fault_total([this] {
    std::int64_t n = 0;
    for (const auto& [k, v] : counter_.all()) n += v;
    return n;
  });
}

engine::StoreReader& Simulation::reader() {
  if (disk_->harness_epoch() != reader_epoch_) {
    // Its connection may view a WAL that is gone; the new one opens on the next read.
    reader_ = std::make_unique<engine::StoreReader>(*harness_storage_);
    reader_epoch_ = disk_->harness_epoch();
  }
  disk_->refresh_harness();
  return *reader_;
}

std::unique_ptr<engine::SqliteDb> Simulation::open_harness_db() {
  disk_->refresh_harness();
  return harness_storage_->open(false);
}

Simulation::~Simulation() {
  // Connections close before the disk unregisters its VFS.
  checker_.reset();
  reader_.reset();
  for (auto& h : hosts_) h->stop();
  hosts_.clear();
}

std::string Simulation::merge_faults(const nlohmann::json& table) {
  if (!table.is_object()) return "faults: expected a table";
  mocks::TwitterFaults tw = twitter_->faults();
  mocks::HederaFaults hd = hedera_->faults();
  mocks::BusFaultConfig bus = bus_faults_->config;
  DiskFaults disk = disk_->faults();
  nlohmann::ordered_json merged = faults_;
  for (auto it = table.begin(); it != table.end(); ++it) {
    const std::string& service = it.key();
    const json& t = it.value();
    std::string err;
    if (service == "twitter") err = mocks::merge_twitter_faults(tw, t);
    else if (service == "hedera") err = mocks::merge_hedera_faults(hd, t);
    else if (service == "bus") err = mocks::merge_bus_faults(bus, t);
    else if (service == "disk") err = merge_disk_faults(disk, t);
    else if (service == "websocket") err = hub_->check_faults(t);
    else err = "faults: unknown service '" + service + "'";
    if (!err.empty()) return err;
    for (auto kv = t.begin(); kv != t.end(); ++kv) merged[service][kv.key()] = kv.value();
  }
  twitter_->set_faults(tw);
  hedera_->set_faults(hd);
  bus_faults_->config = bus;
  disk_->set_faults(disk);
  if (table.contains("websocket")) hub_->merge_faults(table["websocket"]);
  faults_ = std::move(merged);
  world_.trace().append(engine::to_us(world_.now()), 0, "faults", {{"set", table}});
  return "";
}

void Simulation::heal() {
  twitter_->set_faults(mocks::TwitterFaults{});
  hedera_->set_faults(mocks::HederaFaults{});
  bus_faults_->config = mocks::BusFaultConfig{};
  disk_->set_faults(DiskFaults{});
  hub_->heal();
  faults_ = nlohmann::ordered_json::object();
  world_.trace().append(engine::to_us(world_.now()), 0, "heal");
}

bool Simulation::lose_unsynced_on_crash() const {
  return faults_.contains("disk") && faults_["disk"].value("lose_unsynced_on_crash", false);
}

nlohmann::ordered_json Simulation::fault_counts() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : counter_.all()) j[k] = v;
  return j;
}

void Simulation::crash(int n, std::optional<Duration> restart_after) {
  std::vector<int> victims;
  if (lose_unsynced_on_crash()) {
    for (auto& h : hosts_)
      if (h->up()) victims.push_back(h->number());
  } else if (host(n).up()) {
    victims.push_back(n);
  }
  // A dead process neither rolls back nor checkpoints: its connections close on a
  // frozen disk, so nothing it did not already write reaches the files.
  disk_->set_frozen(true);
  for (int v : victims) {
    world_.scheduler().crash_owner(v);
    host(v).stop();
    count_crash();
    world_.trace().append(engine::to_us(world_.now()), v, "engine_crash");
  }
  if (lose_unsynced_on_crash() && !victims.empty()) {
    // The reader's connection dies with the machine too: the power loss moves the
    // disk's harness epoch, so reader() opens a new one.
    disk_->set_frozen(false);
    disk_->power_loss(world_.stream("disk.power"));
    world_.trace().append(engine::to_us(world_.now()), 0, "power_loss");
  }
  disk_->set_frozen(false);
  if (!restart_after) return;
  for (int v : victims)
    world_.scheduler().schedule(*restart_after, 0, engine::TimerKind::foreground, "engine_restart",
                                [this, v](boost::system::error_code ec) {
                                  if (!ec && !host(v).up()) restart(v);
                                });
}

void Simulation::restart(int n) {
  if (host(n).up()) return;
  world_.trace().append(engine::to_us(world_.now()), n, "engine_restart");
  host(n).start();
}

void Simulation::on_handler_exception(int owner, std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const engine::CrashSignal& c) {
    auto it = pending_restart_.find(owner);
    const Duration after = it == pending_restart_.end() ? Duration(0) : it->second;
    pending_restart_.erase(owner);
    crash(owner, after);
  } catch (const engine::AssertionFailure& a) {
    // Recorded by the hooks; the engine is in an unknown state, so it is crashed
    // and restarted like a supervisor would after an abort.
    crash(owner, Duration(0));
  }
}

void Simulation::Tap::publish(const engine::StateUpdate& u) {
  for (auto& l : sim.listeners_) l(u);
  sim.hub_->publish(u);
}

template <class F>
engine::CommandResult Simulation::route(const char* what, F&& call) {
  for (auto& h : hosts_) {
    if (!h->up()) continue;
    const int n = h->number();
    try {
      return call(h->engine());
    } catch (const engine::CrashSignal&) {
      on_handler_exception(n, std::current_exception());
      return engine::CommandResult::refused(std::string(what) + ": engine " + std::to_string(n) + " crashed");
    } catch (const engine::AssertionFailure&) {
      on_handler_exception(n, std::current_exception());
      return engine::CommandResult::refused(std::string(what) + ": engine assertion failed");
    }
  }
  return engine::CommandResult::refused(std::string(what) + ": no engine is running");
}

engine::CommandResult Simulation::create(const engine::CampaignSpec& spec) {
  auto r = route("create", [&](engine::Engine& e) { return e.create(spec); });
  // Every dashboard client watches every campaign.
  if (r.ok)
    for (auto client : clients_) hub_->subscribe(client, r.id);
  return r;
}
engine::CommandResult Simulation::update(const std::string& id, const engine::CampaignUpdate& c, const std::string& by) {
  return route("update", [&](engine::Engine& e) { return e.update(id, c, by); });
}
engine::CommandResult Simulation::publish(const std::string& id, const std::string& by) {
  return route("publish", [&](engine::Engine& e) { return e.publish(id, by); });
}
engine::CommandResult Simulation::claim(const std::string& id, const std::string& user) {
  return route("claim", [&](engine::Engine& e) { return e.claim(id, user); });
}

// The first tweet is the campaign's root (not a reply) on X itself, whether or not
// the engine has recorded its id yet.
bool Simulation::engage(const std::string& id, const std::string& user, engine::EngagementKind kind) {
  for (const auto& t : twitter().tweets_containing("[" + id + "/"))
    if (!t.tweet.in_reply_to) return twitter().add_engagement(t.tweet.id, user, kind, world_.now());
  return false;
}
engine::CommandResult Simulation::create_rule_campaign(const engine::RuleCampaignSpec& spec) {
  return route("rule_campaign", [&](engine::Engine& e) { return e.create_rule_campaign(spec); });
}
engine::CommandResult Simulation::customer_event(const engine::CustomerEvent& event) {
  return route("customer_event", [&](engine::Engine& e) { return e.customer_event(event); });
}
std::vector<engine::CommandResult> Simulation::customer_events(const std::vector<engine::CustomerEvent>& events) {
  std::vector<engine::CommandResult> out;
  const auto r = route("customer_events", [&](engine::Engine& e) {
    out = e.customer_events(events);
    return engine::CommandResult::success("");
  });
  if (!r.ok) out.assign(events.size(), r);
  return out;
}
engine::CommandResult Simulation::redrive(const std::string& event_id) {
  return route("redrive", [&](engine::Engine& e) { return e.redrive(event_id); });
}

}  // namespace clsim::sim
