#include "mocks/redis/stream_id.hpp"

namespace clsim::mocks {

bool StreamId::increment() {
  if (seq != UINT64_MAX) return ++seq, true;
  if (ms == UINT64_MAX) return false;
  ++ms;
  seq = 0;
  return true;
}

bool StreamId::decrement() {
  if (seq != 0) return --seq, true;
  if (ms == 0) return false;
  --ms;
  seq = UINT64_MAX;
  return true;
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t d = std::uint64_t(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<std::int64_t> parse_i64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  if (s == "0") return 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s[0] < '1' || s[0] > '9') return std::nullopt;
  auto magnitude = parse_u64(s);
  if (!magnitude) return std::nullopt;
  if (negative) {
    if (*magnitude > std::uint64_t(INT64_MAX) + 1) return std::nullopt;
    return std::int64_t(0 - *magnitude);
  }
  if (*magnitude > std::uint64_t(INT64_MAX)) return std::nullopt;
  return std::int64_t(*magnitude);
}

namespace {

// Redis streamGenericParseIDOrReply without the special "-"/"+" forms.
std::optional<XaddIdArg> parse_ms_seq(std::string_view s, std::uint64_t missing_seq, bool allow_star) {
  if (s.size() > 127) return std::nullopt;
  const auto dash = s.find('-');
  auto ms = parse_u64(s.substr(0, dash));
  if (!ms) return std::nullopt;
  if (dash == std::string_view::npos) return XaddIdArg{{*ms, missing_seq}, true};
  const auto rest = s.substr(dash + 1);
  if (allow_star && rest == "*") return XaddIdArg{{*ms, 0}, false};
  auto seq = parse_u64(rest);
  if (!seq) return std::nullopt;
  return XaddIdArg{{*ms, *seq}, true};
}

}  // namespace

std::optional<StreamId> parse_strict_id(std::string_view s, std::uint64_t missing_seq) {
  auto parsed = parse_ms_seq(s, missing_seq, false);
  if (!parsed) return std::nullopt;
  return parsed->id;
}

std::optional<XaddIdArg> parse_xadd_id(std::string_view s) { return parse_ms_seq(s, 0, true); }

std::optional<IntervalId> parse_interval_id(std::string_view s, std::uint64_t missing_seq) {
  IntervalId out;
  if (s.size() > 1 && s[0] == '(') {
    out.exclusive = true;
    s.remove_prefix(1);
  }
  if (s == "-") {
    out.id = StreamId{0, 0};
    return out;
  }
  if (s == "+") {
    out.id = kStreamIdMax;
    return out;
  }
  auto id = parse_strict_id(s, missing_seq);
  if (!id) return std::nullopt;
  out.id = *id;
  return out;
}

}  // namespace clsim::mocks
