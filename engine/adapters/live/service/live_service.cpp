#include "engine/adapters/live/service/live_service.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <optional>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/adapters/asio_clock.hpp"
#include "engine/adapters/live/http/http_server.hpp"
#include "engine/adapters/live/ledger/ledger_gateway.hpp"
#include "engine/adapters/live/metrics.hpp"
#include "engine/adapters/live/redis/redis_bus.hpp"
#include "engine/adapters/live/service/api.hpp"
#include "engine/adapters/live/service/capture_file.hpp"
#include "engine/adapters/live/service/failure_capture.hpp"
#include "engine/adapters/live/service/name_lock.hpp"
#include "engine/adapters/live/service/ws_hub.hpp"
#include "engine/adapters/live/x/x_api_social.hpp"
#include "engine/adapters/os_seeded_random.hpp"
#include "engine/adapters/sqlite_file_storage.hpp"
#include "engine/engine.hpp"
#include "engine/options_json.hpp"
#include "engine/queries.hpp"

namespace clsim::live {

namespace {

namespace asio = boost::asio;
using engine::StateUpdate;

// Counts state updates and transitions for /metrics, then hands them to the hub.
class CountingNotifier final : public engine::Notifier {
 public:
  CountingNotifier(WsHub& hub, Metrics& metrics) : hub_(hub), metrics_(metrics) {
    metrics_.describe("clsim_state_updates_total", "counter", "campaign state updates published, by state");
    metrics_.describe("clsim_transitions_total", "counter", "campaign state changes seen by this process");
  }
  void publish(const StateUpdate& u) override {
    metrics_.add("clsim_state_updates_total", {{"state", u.state}});
    const auto it = last_.find(u.campaign_id);
    if (it != last_.end() && it->second != u.state)
      metrics_.add("clsim_transitions_total", {{"from", it->second}, {"to", u.state}});
    // Finished campaigns change no more: forgetting them keeps the map to live ones.
    if (u.state == "EXPIRED" || u.state == "FAILED")
      last_.erase(u.campaign_id);
    else
      last_[u.campaign_id] = u.state;
    hub_.publish(u);
  }

 private:
  WsHub& hub_;
  Metrics& metrics_;
  std::map<std::string, std::string> last_;
};

// A database file the service can never use is a configuration error; anything
// else (busy, locked while another process recovers) the engine retries.
void check_database(const std::string& path) {
  try {
    engine::SqliteFileStorage(path).open(true);
  } catch (const engine::StoreError& e) {
    const int c = e.code;
    if (c == SQLITE_CANTOPEN || c == SQLITE_NOTADB || c == SQLITE_PERM || c == SQLITE_READONLY || c == SQLITE_AUTH)
      throw ServeConfigError{"--db " + path + ": " + e.message};
  }
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The updates after `since` of one campaign, or of every campaign in time order.
std::vector<StateUpdate> backlog(engine::StoreReader& reader, const std::string& campaign, std::int64_t since) {
  if (!campaign.empty()) return reader.updates_since(campaign, since);
  std::vector<StateUpdate> all;
  for (const auto& [id, max_seq] : reader.max_update_seq()) {
    if (max_seq <= since) continue;
    auto some = reader.updates_since(id, since);
    all.insert(all.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
  }
  std::stable_sort(all.begin(), all.end(), [](const StateUpdate& a, const StateUpdate& b) { return a.at < b.at; });
  return all;
}

struct Adapters {
  Adapters(asio::io_context& io, const ServeConfig& config, Metrics& metrics)
      : clock(io), storage(config.db_path), bus(io, config.redis, bus_options(metrics)),
        social(io, x_options(config, metrics)), ledger(io, ledger_options(config, metrics)) {}
  static RedisBusOptions bus_options(Metrics& metrics) {
    RedisBusOptions o;
    o.metrics = &metrics;
    return o;
  }
  static LedgerGatewayOptions ledger_options(const ServeConfig& config, Metrics& metrics) {
    LedgerGatewayOptions o;
    o.base_url = config.ledger_url;
    o.token = config.ledger_token;
    o.metrics = &metrics;
    return o;
  }
  static XApiOptions x_options(const ServeConfig& config, Metrics& metrics) {
    XApiOptions o;
    o.base_url = config.twitter_url;
    o.app_token = config.x_app_token;
    o.metrics = &metrics;
    // Without a token file the mock convention applies (mockd takes "user:ACCOUNT").
    o.user_token = [tokens = config.x_user_tokens](const std::string& account) -> std::optional<std::string> {
      if (tokens.empty()) return "user:" + account;
      const auto it = tokens.find(account);
      return it == tokens.end() ? std::nullopt : std::optional(it->second);
    };
    return o;
  }

  engine::AsioClock clock;
  engine::OsSeededRandom random;
  engine::NullHooks hooks;
  engine::SqliteFileStorage storage;
  RedisBus bus;
  XApiSocial social;
  LedgerGateway ledger;
};

engine::EngineOptions engine_options(const ServeConfig& config, std::uint64_t seed) {
  engine::EngineOptions options;
  options.name = config.name;
  if (config.poll_interval) options.poll_interval = *config.poll_interval;
  if (auto err = engine::apply_timing(options, config.timing); !err.empty()) throw ServeConfigError{err};
  // A prefix of its own for every start, so a restarted service's commands keep
  // ids apart from the last one's in the same capture file.
  options.capture_id_prefix = config.name + "." + hex(seed).substr(0, 8);
  return options;
}

// What /readyz reports down: recovery not finished, the store, Redis.
void readiness(engine::Engine& engine, engine::StoreReader& reader, RedisBus& bus,
               std::function<void(std::vector<std::string>)> done) {
  std::vector<std::string> down;
  const auto h = engine.health();
  if (h.heartbeat_at == engine::TimePoint{}) down.push_back("recovery");
  reader.max_update_seq();
  if (!h.store_ok || !reader.last_error().empty()) down.push_back("store");
  bus.ping([down = std::move(down), done = std::move(done)](bool ok) mutable {
    if (!ok) down.push_back("redis");
    done(std::move(down));
  });
}

}  // namespace

int run_service(const ServeConfig& config) {
  std::signal(SIGPIPE, SIG_IGN);  // hiredis writes with write(2): a dropped peer is an error, not a kill
  // A file past RLIMIT_FSIZE (a quota, `prlimit --fsize`) is a full disk: write(2)
  // fails with EFBIG, SQLite answers an I/O error and the command 503, instead of
  // the default SIGXFSZ ending the process.
  std::signal(SIGXFSZ, SIG_IGN);
  check_database(config.db_path);
  std::optional<NameLock> name_lock;
  try {
    name_lock.emplace(config.db_path, config.name);
  } catch (const std::runtime_error& e) {
    throw ServeConfigError{"--name " + config.name + ": " + e.what()};
  }
  asio::io_context io;
  Metrics metrics;
  Adapters a(io, config, metrics);
  auto options = engine_options(config, a.random.seed());
  std::unique_ptr<CaptureFile> capture;
  if (!config.capture_path.empty()) {
    try {
      capture = std::make_unique<CaptureFile>(config.capture_path, engine::to_us(a.clock.now()), a.random.seed(), options);
    } catch (const std::runtime_error& e) {
      throw ServeConfigError{std::string("--capture ") + e.what()};
    }
    options.capture = &capture->sink();
  }
  // With a capture, every failed outside call is written into it as well.
  std::unique_ptr<RecordingSocial> recording_social;
  std::unique_ptr<RecordingLedger> recording_ledger;
  if (capture) {
    recording_social = std::make_unique<RecordingSocial>(a.social, capture->sink(), a.clock);
    recording_ledger = std::make_unique<RecordingLedger>(a.ledger, capture->sink(), a.clock);
  }
  engine::Social& social = recording_social ? static_cast<engine::Social&>(*recording_social) : a.social;
  engine::Ledger& ledger = recording_ledger ? static_cast<engine::Ledger&>(*recording_ledger) : a.ledger;
  engine::StoreReader reader(a.storage);
  WsHub hub(io, [&reader](const std::string& c, std::int64_t since) { return backlog(reader, c, since); }, &metrics);
  CountingNotifier notifier(hub, metrics);
  engine::Engine engine(
      engine::EnginePorts{a.clock, a.random, a.hooks, social, ledger, a.bus, notifier, a.storage}, options);
  Api api(ApiContext{io, engine, reader, metrics, hub, config.token,
                     [&](auto done) { readiness(engine, reader, a.bus, std::move(done)); },
                     [&] {
                       const auto h = engine.health();
                       metrics.set("clsim_outbox_backlog", {}, double(h.outbox_backlog));
                       metrics.set("clsim_timer_lag_seconds", {}, double(h.timer_lag.count()) / 1e6);
                       metrics.set("clsim_store_ok", {}, h.store_ok ? 1 : 0);
                       metrics.set("clsim_redis_connected", {}, a.bus.connected() ? 1 : 0);
                     }});
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(
        io, config.listen_host, config.listen_port, [&](const HttpRequest& r, Respond done) { api.handle(r, std::move(done)); },
        [&](boost::beast::tcp_stream s, HttpRequest r) { api.upgrade(std::move(s), std::move(r)); });
  } catch (const boost::system::system_error& e) {
    throw ServeConfigError{"--listen " + config.listen_host + ":" + std::to_string(config.listen_port) + ": " +
                           e.code().message()};
  }
  if (!config.port_file.empty() && !write_port_file(config.port_file, server->port()))
    throw ServeConfigError{"--port-file " + config.port_file + ": cannot write"};
  engine.start();
  std::printf("clsim serve: listening on http://%s:%u (engine %s, seed %s)\n", config.listen_host.c_str(),
              unsigned(server->port()), config.name.c_str(), hex(a.random.seed()).c_str());
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer drain(io);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server->stop();
    hub.close_all();
    // A moment for close frames and answers in flight, then stop.
    drain.expires_after(std::chrono::milliseconds(200));
    drain.async_wait([&](const boost::system::error_code&) { io.stop(); });
  });
  try {
    io.run();
  } catch (const engine::AssertionFailure& f) {
    std::fprintf(stderr, "clsim serve: %s\n", f.message.c_str());
    return 3;
  }
  std::printf("clsim serve: stopped\n");
  return 0;
}

}  // namespace clsim::live
