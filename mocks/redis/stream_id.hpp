// Redis stream entry ids ("<ms>-<seq>") and the three ways Redis parses them:
// strict (XACK, XDEL, XCLAIM, XGROUP CREATE), XADD's (with "ms-*"), and interval
// bounds ("-", "+", "(" exclusive). Kept apart so each command parses as the real one.
#pragma once
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clsim::mocks {

struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  std::string str() const { return std::to_string(ms) + "-" + std::to_string(seq); }
  bool is_max() const { return ms == UINT64_MAX && seq == UINT64_MAX; }
  // False when already the largest id (Redis streamIncrID/streamDecrID fail likewise).
  bool increment();
  bool decrement();
  friend auto operator<=>(const StreamId&, const StreamId&) = default;
};

inline constexpr StreamId kStreamIdMax{UINT64_MAX, UINT64_MAX};

// Digits only, fits in 64 bits (Redis string2ull for the forms clients send).
std::optional<std::uint64_t> parse_u64(std::string_view s);
// Redis string2ll: optional '-', no leading zeros, no spaces, fits in int64.
std::optional<std::int64_t> parse_i64(std::string_view s);

// "ms" (seq = missing_seq) or "ms-seq"; "-" and "+" are invalid here.
std::optional<StreamId> parse_strict_id(std::string_view s, std::uint64_t missing_seq = 0);

struct XaddIdArg {
  StreamId id;
  bool seq_given = true;  // false for "ms-*": the server picks the sequence
};
std::optional<XaddIdArg> parse_xadd_id(std::string_view s);

struct IntervalId {
  StreamId id;
  bool exclusive = false;  // "(" prefix
};
// "-", "+", "(" prefix allowed; missing seq = missing_seq (0 for a start, max for an end).
std::optional<IntervalId> parse_interval_id(std::string_view s, std::uint64_t missing_seq);

inline constexpr const char* kInvalidStreamId = "ERR Invalid stream ID specified as stream command argument";

}  // namespace clsim::mocks
