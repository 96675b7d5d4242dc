// clsim serve: reads the command line and the environment into a ServeConfig
// and runs the live service (engine/adapters/live/service/live_service.hpp).
// Every bad flag, value or file is exit 2 naming it; nothing starts then.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/adapters/live/http/url.hpp"
#include "engine/adapters/live/http/http_server.hpp"
#include "engine/adapters/live/service/live_service.hpp"
#include "engine/domain/validation.hpp"
#include "engine/options_json.hpp"
#include "sim/cli/args.hpp"
#include "sim/cli/commands.hpp"

namespace clsim::cli {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// CLSIM_X_USER_TOKENS names a JSON file {"account": "token", ...}.
std::map<std::string, std::string> read_user_tokens(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw live::ServeConfigError{"CLSIM_X_USER_TOKENS: cannot read " + path};
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) throw live::ServeConfigError{"CLSIM_X_USER_TOKENS: " + path + ": expected a JSON object {account: token}"};
  std::map<std::string, std::string> tokens;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_string() || it.value().get<std::string>().empty())
      throw live::ServeConfigError{"CLSIM_X_USER_TOKENS: " + path + ": the token of " + it.key() + " must be a non-empty string"};
    tokens[it.key()] = it.value().get<std::string>();
  }
  return tokens;
}

// --poll-interval-s: seconds, a fraction allowed, > 0.
engine::Duration seconds_flag(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double s = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(s > 0) || s > 365.0 * 86400)
    throw UsageError(flag + ": expected seconds > 0, got '" + text + "'");
  return engine::Duration(static_cast<std::int64_t>(s * 1e6));
}

void timing_flag(live::ServeConfig& c, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) throw UsageError("--timing: expected KEY=MICROSECONDS, got '" + text + "'");
  const std::string key = text.substr(0, eq);
  c.timing[key] = static_cast<std::int64_t>(Args::parse_u64("--timing " + key, text.substr(eq + 1)));
  engine::EngineOptions probe;
  if (auto err = engine::apply_timing(probe, c.timing); !err.empty()) throw UsageError("--timing: " + err);
}

live::ServeConfig parse(int argc, char** argv) {
  live::ServeConfig c;
  Args args(argc, argv, 2);
  bool listen = false, redis = false;
  while (!args.done()) {
    const std::string flag = args.next();
    if (flag == "--db") {
      c.db_path = args.value(flag);
    } else if (flag == "--listen") {
      const auto hp = live::parse_host_port(args.value(flag));
      if (!hp) throw UsageError("--listen: expected HOST:PORT with a numeric host address, e.g. 127.0.0.1:8080");
      std::tie(c.listen_host, c.listen_port) = *hp;
      listen = true;
    } else if (flag == "--redis") {
      const auto text = args.value(flag);
      const auto ep = live::parse_redis_endpoint(text);
      if (!ep) throw UsageError("--redis: expected HOST:PORT or unix:PATH, got '" + text + "'");
      c.redis = *ep;
      redis = true;
    } else if (flag == "--twitter-url" || flag == "--ledger-url") {
      const auto text = args.value(flag);
      if (!live::parse_url(text)) throw UsageError(flag + ": expected an http:// or https:// URL, got '" + text + "'");
      (flag == "--twitter-url" ? c.twitter_url : c.ledger_url) = text;
    } else if (flag == "--name") {
      c.name = args.value(flag);
      if (auto why = engine::validate_id(c.name); !why.empty()) throw UsageError("--name: " + why);
    } else if (flag == "--poll-interval-s") {
      c.poll_interval = seconds_flag(flag, args.value(flag));
    } else if (flag == "--capture") {
      c.capture_path = args.value(flag);
    } else if (flag == "--port-file") {
      c.port_file = args.value(flag);
    } else if (flag == "--timing") {
      timing_flag(c, args.value(flag));
    } else {
      throw UsageError("unknown option " + flag);
    }
  }
  if (c.db_path.empty()) throw UsageError("--db FILE is required");
  if (!listen) throw UsageError("--listen HOST:PORT is required");
  if (!redis) throw UsageError("--redis HOST:PORT|unix:PATH is required");
  if (c.twitter_url.empty()) throw UsageError("--twitter-url URL is required");
  if (c.ledger_url.empty()) throw UsageError("--ledger-url URL is required");
  return c;
}

}  // namespace

int serve_command(int argc, char** argv) {
  live::ServeConfig c = parse(argc, argv);
  try {
    c.token = env("CLSIM_TOKEN");
    c.x_app_token = env("CLSIM_X_APP_TOKEN");
    c.ledger_token = env("CLSIM_LEDGER_TOKEN");
    if (const auto path = env("CLSIM_X_USER_TOKENS"); !path.empty()) c.x_user_tokens = read_user_tokens(path);
    // X reads (metrics, engager lists) take an app-only token. mockd takes any
    // token that is not a user's as one; the real X needs its own.
    if (c.x_app_token.empty() && c.x_user_tokens.empty()) c.x_app_token = "mockd-app";
    if (c.x_app_token.empty())
      throw live::ServeConfigError{"CLSIM_X_APP_TOKEN: an app-only token for X reads is required with CLSIM_X_USER_TOKENS"};
    return live::run_service(c);
  } catch (const live::ServeConfigError& e) {
    std::fprintf(stderr, "clsim serve: %s\n", e.message.c_str());
    return 2;
  }
}

}  // namespace clsim::cli
