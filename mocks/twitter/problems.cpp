#include "mocks/twitter/problems.hpp"

namespace clsim::mocks::problems {

namespace {
engine::ApiStatus make(int http, std::string title, std::string detail) {
  engine::ApiStatus s;
  s.http = http;
  s.title = std::move(title);
  s.detail = std::move(detail);
  return s;
}
}  // namespace

engine::ApiStatus ok() { return make(200, {}, {}); }
engine::ApiStatus created() { return make(201, {}, {}); }

engine::ApiStatus invalid_request(std::string detail) { return make(400, "Invalid Request", std::move(detail)); }

engine::ApiStatus unauthorized() { return make(401, "Unauthorized", "Unauthorized"); }

engine::ApiStatus client_forbidden() {
  return make(403, "Client Forbidden",
              "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
              "from a Twitter developer App that is attached to a Project.");
}

engine::ApiStatus forbidden(std::string detail) { return make(403, "Forbidden", std::move(detail)); }

engine::ApiStatus duplicate_content() { return forbidden(engine::kDuplicateContentDetail); }

engine::ApiStatus too_many_requests(engine::TimePoint reset) {
  auto s = make(429, "Too Many Requests", "Too Many Requests");
  s.rate_limit_reset = reset;
  return s;
}

engine::ApiStatus usage_capped(engine::TimePoint reset) {
  auto s = make(429, "UsageCapExceeded", "Usage cap exceeded: Monthly product cap");
  s.rate_limit_reset = reset;
  return s;
}

engine::ApiStatus server_error(int http) {
  switch (http) {
    case 502: return make(502, "Bad Gateway", "Bad Gateway");
    case 503: return make(503, "Service Unavailable", "Service Unavailable");
    case 504: return make(504, "Gateway Timeout", "Gateway Timeout");
    default: return make(500, "Internal Server Error", "Internal Server Error");
  }
}

engine::ApiStatus timed_out() { return make(0, {}, {}); }

}  // namespace clsim::mocks::problems

namespace clsim::mocks {

namespace {
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
bool starts_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }
}  // namespace

int tweet_weighted_length(std::string_view text, bool weight_urls) {
  constexpr int kUrlWeight = 23;
  int length = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const bool at_word_start = i == 0 || is_space(text[i - 1]);
    if (weight_urls && at_word_start && starts_url(text.substr(i))) {
      while (i < text.size() && !is_space(text[i])) ++i;
      length += kUrlWeight;
      continue;
    }
    // Continuation bytes (10xxxxxx) do not start a code point.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++length;
    ++i;
  }
  return length;
}

}  // namespace clsim::mocks
