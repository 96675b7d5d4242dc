#include "engine/adapters/live/redis/redis_endpoint.hpp"

namespace clsim::live {

namespace {

constexpr std::string_view kUnixPrefix = "unix:";
constexpr std::uint32_t kPortMax = 65535;

// Digits only: std::stoi would take "+80", " 80" or "80x".
std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  std::uint32_t port = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port == 0 || port > kPortMax) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

}  // namespace

std::string RedisEndpoint::to_string() const {
  if (!unix_path.empty()) return std::string(kUnixPrefix) + unix_path;
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<RedisEndpoint> parse_redis_endpoint(std::string_view text) {
  RedisEndpoint out;
  if (text.substr(0, kUnixPrefix.size()) == kUnixPrefix) {
    out.unix_path = std::string(text.substr(kUnixPrefix.size()));
    if (out.unix_path.empty()) return std::nullopt;
    return out;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto port = parse_port(text.substr(colon + 1));
  if (host.empty() || !port) return std::nullopt;
  // An unbracketed IPv6 address ("::1:6379") is ambiguous: refuse it.
  if (host.find(':') != std::string_view::npos && text.front() != '[') return std::nullopt;
  out.host = std::string(host);
  out.port = *port;
  return out;
}

}  // namespace clsim::live
