// The base URL an outside-service client is pointed at ("https://api.x.com",
// mockd's "http://127.0.0.1:PORT"): scheme, host, port and a path prefix that
// every request target is appended to. Nothing else (no user info, query or
// fragment) is accepted, so a typo in a flag fails at start-up, not on first use.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clsim::live {

struct Url {
  std::string scheme;     // "http" or "https", lower case
  std::string host;       // a name or an address; IPv6 without its brackets
  std::uint16_t port = 0; // the scheme's default (80, 443) when the text names none
  std::string base_path;  // "" or "/prefix" (never a trailing '/')

  // The Host header's value: the port only when it is not the scheme's default.
  std::string host_header() const;
};

// nullopt when the text is not an http(s) URL of that shape.
std::optional<Url> parse_url(std::string_view text);

// Percent-encoding of a query value or path segment (RFC 3986 unreserved kept),
// and its inverse ('+' read as a space, as forms send it).
std::string url_encode(std::string_view text);
std::string url_decode(std::string_view text);

}  // namespace clsim::live
