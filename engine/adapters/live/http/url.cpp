#include "engine/adapters/live/http/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace clsim::live {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

std::optional<std::uint16_t> parse_port(std::string_view digits) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (port == 0 || port > 65535) return std::nullopt;
  return std::uint16_t(port);
}

}  // namespace

std::string Url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) out += ":" + std::to_string(port);
  return out;
}

std::optional<Url> parse_url(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  Url url;
  url.scheme = lower(text.substr(0, sep));
  if (url.scheme == "http") {
    url.port = 80;
  } else if (url.scheme == "https") {
    url.port = 443;
  } else {
    return std::nullopt;
  }
  std::string_view rest = text.substr(sep + 3);
  if (rest.find_first_of("?#@") != std::string_view::npos) return std::nullopt;
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  std::string_view port_text;
  if (authority.starts_with('[')) {  // [v6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = lower(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return std::nullopt;
    if (!after.empty()) port_text = after.substr(1);
    if (url.host.empty() || url.host.find_first_not_of("0123456789abcdef:.") != std::string::npos)
      return std::nullopt;
    if (!after.empty() && port_text.empty()) return std::nullopt;
  } else {
    const auto colon = authority.find(':');
    url.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return std::nullopt;
    }
    if (url.host.empty() || !std::all_of(url.host.begin(), url.host.end(), host_char)) return std::nullopt;
  }
  if (!port_text.empty()) {
    const auto port = parse_port(port_text);
    if (!port) return std::nullopt;
    url.port = *port;
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  url.base_path = std::string(path);
  return url;
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size()) {
      unsigned v = 0;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
      if (ec == std::errc() && end == text.data() + i + 3) {
        out += char(v);
        i += 2;
      } else {
        out += c;
      }
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace clsim::live
