// clsim mockd: the mock X API and the mock ledger served on their wire protocols
// (mocks/wire/MockDaemon, docs/LIVE.md), with faults from a Lua file read in the
// scenarios' sandbox with the scenarios' fault table reader.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>

#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>
#include <lua.hpp>

#include "engine/adapters/live/http/http_server.hpp"
#include "engine/core/xoshiro.hpp"
#include "mocks/wire/mock_daemon.hpp"
#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"
#include "sim/lua/binding_guard.hpp"
#include "sim/lua/sandbox.hpp"
#include "sim/lua/world_table.hpp"

namespace clsim::cli {

namespace {

constexpr std::uint64_t kAudienceMax = 1'000'000;

struct MockdFlags {
  std::string listen;
  std::string host;
  std::uint16_t port = 0;
  std::optional<std::uint64_t> seed;
  std::string faults_path;
  std::uint64_t audience = 100;
  double engage_probability = 0.3;
  std::string port_file;
};

double parse_probability(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double p = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(p >= 0.0 && p <= 1.0))
    throw UsageError(flag + ": expected a probability in [0, 1], got '" + text + "'");
  return p;
}

MockdFlags parse_flags(int argc, char** argv) {
  MockdFlags f;
  Args args(argc, argv, 2);
  while (!args.done()) {
    const std::string a = args.next();
    if (a == "--listen") {
      f.listen = args.value(a);
      const auto hp = live::parse_host_port(f.listen);
      if (!hp) throw UsageError("--listen: expected HOST:PORT (an IP address and a port 0-65535), got '" + f.listen + "'");
      f.host = hp->first;
      f.port = hp->second;
    } else if (a == "--seed") {
      f.seed = args.u64(a);
    } else if (a == "--faults") {
      f.faults_path = args.value(a);
    } else if (a == "--audience") {
      f.audience = args.u64(a);
      if (f.audience > kAudienceMax)
        throw UsageError("--audience: at most " + std::to_string(kAudienceMax) + " users, got " + std::to_string(f.audience));
    } else if (a == "--engage-probability") {
      f.engage_probability = parse_probability(a, args.value(a));
    } else if (a == "--port-file") {
      f.port_file = args.value(a);
    } else {
      throw UsageError("unknown option '" + a + "'");
    }
  }
  if (f.listen.empty()) throw UsageError("--listen HOST:PORT is required");
  return f;
}

// ms(), seconds(), ... as the scenarios have them: integer microseconds.
template <std::int64_t kUnitUs>
int time_helper(lua_State* L) {
  if (lua_isinteger(L, 1)) {
    lua_pushinteger(L, luaL_checkinteger(L, 1) * kUnitUs);
  } else {
    lua_pushinteger(L, lua_Integer(luaL_checknumber(L, 1) * double(kUnitUs)));
  }
  return 1;
}

// Reads the table below it with the scenarios' reader into the json its upvalue points at.
int read_faults(lua_State* L) {
  auto* out = static_cast<nlohmann::ordered_json*>(lua_touserdata(L, lua_upvalueindex(1)));
  return sim::lua::guarded(L, [&] {
    *out = sim::lua::read_fault_table(L, 1, "faults");
    return 0;
  });
}

// The scenarios' reader skips number keys (arrays are fine there); a faults file
// that says `{1, 2}` or `{twitter = {0.5}}` is a mistake. "" or what is wrong.
std::string number_keys_error(lua_State* L, int index, const std::string& where, int depth = 0) {
  index = lua_absindex(L, index);
  std::string error;
  lua_pushnil(L);
  while (error.empty() && lua_next(L, index)) {
    if (lua_type(L, -2) != LUA_TSTRING) error = where + ": keys must be names, got a " + luaL_typename(L, -2) + " key";
    else if (depth == 0 && lua_istable(L, -1)) error = number_keys_error(L, -1, where + "." + lua_tostring(L, -2), 1);
    lua_pop(L, 1);
  }
  if (!error.empty()) lua_pop(L, 1);  // the key lua_next left
  return error;
}

// Runs the faults file in the sandbox: "" and the table, or "FILE:LINE: what"
// (Lua errors carry their line) / "FILE: what".
std::string run_faults_file(const std::string& path, std::uint64_t seed, nlohmann::ordered_json& table) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot read the file";
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const auto dir = std::filesystem::path(path).parent_path();
  sim::lua::Sandbox sandbox((dir.empty() ? std::filesystem::path("lib") : dir / "lib").string(), sim::lua::SandboxLimits{});
  auto rng = std::make_shared<engine::Xoshiro256>(seed);
  sandbox.set_random_source([rng] { return rng->next_u64(); });
  lua_State* L = sandbox.state();
  const luaL_Reg helpers[] = {{"ms", time_helper<1000>},
                              {"seconds", time_helper<1'000'000>},
                              {"minutes", time_helper<60LL * 1'000'000>},
                              {"hours", time_helper<3600LL * 1'000'000>},
                              {"days", time_helper<86400LL * 1'000'000>},
                              {nullptr, nullptr}};
  lua_pushglobaltable(L);
  luaL_setfuncs(L, helpers, 0);
  lua_pop(L, 1);
  const auto lua_message = [&] {
    const char* m = lua_tostring(L, -1);
    std::string message = m ? m : "a Lua error that is not a string";
    // Errors raised in Lua code carry "FILE:LINE:" (or Lua's shortened "...FILE:LINE:").
    if (!message.starts_with(path + ":") && !message.starts_with("...")) message = path + ": " + message;
    return message;
  };
  if (luaL_loadbufferx(L, text.data(), text.size(), ("@" + path).c_str(), "t") != LUA_OK) return lua_message();
  if (lua_pcall(L, 0, 1, 0) != LUA_OK) return lua_message();
  if (!lua_istable(L, -1))
    return path + ": the file must return a table {twitter = {...}, hedera = {...}}, got " +
           std::string(luaL_typename(L, -1));
  if (auto err = number_keys_error(L, -1, "faults"); !err.empty()) return path + ": " + err;
  lua_pushlightuserdata(L, &table);
  lua_pushcclosure(L, read_faults, 1);
  lua_insert(L, -2);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) return lua_message();
  return {};
}

// Applies the faults file to the daemon's options; "" or the error to print.
std::string load_faults(const std::string& path, std::uint64_t seed, mocks::MockdOptions& options) {
  nlohmann::ordered_json table;
  if (auto err = run_faults_file(path, seed, table); !err.empty()) return err;
  for (const auto& [service, keys] : table.items()) {
    if (service != "twitter" && service != "hedera")
      return path + ": faults." + service + ": mockd serves only twitter and hedera, not " + service;
  }
  // The reader checked names and types; the mocks check what spans keys (latency_min <= latency_max).
  for (const auto& [service, keys] : table.items()) {
    const auto plain = nlohmann::json::parse(keys.dump());
    const std::string err = service == "twitter" ? mocks::merge_twitter_faults(options.twitter.faults, plain)
                                                 : mocks::merge_hedera_faults(options.hedera.faults, plain);
    // The mocks name some errors by their table ("faults.twitter: ..."), others by key only.
    if (!err.empty()) return path + ": " + (err.starts_with("faults.") ? err : "faults." + service + "." + err);
  }
  return {};
}

std::uint64_t os_seed() {
  std::random_device rd;  // clsim-allow-nondeterminism: mockd's default seed, printed at start
  return (std::uint64_t(rd()) << 32) ^ std::uint64_t(rd());
}

std::string url_host(const std::string& host) { return host.find(':') == std::string::npos ? host : "[" + host + "]"; }

}  // namespace

int mockd_command(int argc, char** argv) {
  const MockdFlags flags = parse_flags(argc, argv);
  mocks::MockdOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.seed = flags.seed ? *flags.seed : os_seed();
  auto& audience = options.twitter.audience;
  audience.users = int(flags.audience);
  audience.enabled = flags.audience > 0;
  audience.engage_probability = flags.engage_probability;
  if (!flags.faults_path.empty()) {
    if (auto err = load_faults(flags.faults_path, options.seed, options); !err.empty()) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return 2;
    }
  }
  std::optional<mocks::MockDaemon> daemon;
  try {
    daemon.emplace(options);
  } catch (const boost::system::system_error& e) {
    std::fprintf(stderr, "clsim mockd: cannot listen on %s: %s\n", flags.listen.c_str(), e.code().message().c_str());
    return 2;
  }
  if (!flags.port_file.empty() && !live::write_port_file(flags.port_file, daemon->port())) {
    std::fprintf(stderr, "clsim mockd: %s: cannot write the port file\n", flags.port_file.c_str());
    return 2;
  }
  std::printf("mockd listening on http://%s:%u (seed %llu)\n", url_host(flags.host).c_str(), unsigned(daemon->port()),
              (unsigned long long)daemon->seed());
  std::fflush(stdout);
  boost::asio::signal_set signals(daemon->io(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) daemon->stop();
  });
  daemon->run();
  return 0;
}

}  // namespace clsim::cli
