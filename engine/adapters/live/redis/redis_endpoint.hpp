// Where a Redis server listens, as the service's --redis flag spells it: "HOST:PORT"
// over TCP or "unix:PATH" for a unix socket (what the live tests start).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clsim::live {

struct RedisEndpoint {
  std::string host;  // TCP host, or empty for a unix socket
  std::uint16_t port = 0;
  std::string unix_path;  // set for unix:PATH
  std::string to_string() const;  // "HOST:PORT" or "unix:PATH"
};

// "HOST:PORT" (numeric port 1..65535; an IPv6 host in brackets) or "unix:PATH";
// nullopt when malformed.
std::optional<RedisEndpoint> parse_redis_endpoint(std::string_view text);

}  // namespace clsim::live
