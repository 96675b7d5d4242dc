#include "mocks/wire/wire_json.hpp"

#include <charconv>
#include <cstdio>
#include <cstdint>

namespace clsim::mocks::wire {

namespace {

constexpr const char* kProblemsBase = "https://api.twitter.com/2/problems/";

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

nlohmann::json problem_json(const engine::ApiStatus& status) {
  nlohmann::json body = {{"title", status.title}, {"detail", status.detail}, {"type", "about:blank"},
                         {"status", status.http}};
  // X's typed problems (docs/FIDELITY.md §1); the rest are about:blank.
  if (status.title == "Invalid Request") {
    body["type"] = std::string(kProblemsBase) + "invalid-request";
  } else if (status.title == "Client Forbidden") {
    body["type"] = std::string(kProblemsBase) + "client-forbidden";
    body["reason"] = "client-not-enrolled";
    body["registration_url"] = "https://developer.twitter.com/en/docs/projects/overview";
  } else if (status.title == "Unsupported Authentication") {
    body["type"] = std::string(kProblemsBase) + "unsupported-authentication";
  } else if (status.title == "UsageCapExceeded") {
    body["type"] = std::string(kProblemsBase) + "usage-capped";
    body["period"] = "Monthly";
    body["scope"] = "Product";
  }
  return body;
}

nlohmann::json tweet_json(const engine::Tweet& tweet) {
  nlohmann::json t = {{"id", tweet.id}, {"text", tweet.text}, {"author_id", tweet.author}};
  if (tweet.in_reply_to)
    t["referenced_tweets"] = nlohmann::json::array({{{"type", "replied_to"}, {"id", *tweet.in_reply_to}}});
  return t;
}

std::int64_t epoch_seconds_ceil(engine::TimePoint t) {
  const std::int64_t us = engine::to_us(t);
  return us <= 0 ? 0 : (us + 999'999) / 1'000'000;
}

std::optional<SearchQuery> parse_search_query(std::string_view query) {
  query = trim(query);
  SearchQuery q;
  if (query.starts_with("conversation_id:")) {
    q.conversation = true;
    q.conversation_id = std::string(query.substr(16));
    if (!all_digits(q.conversation_id)) return std::nullopt;
    return q;
  }
  if (!query.starts_with("from:")) return std::nullopt;
  query.remove_prefix(5);
  const auto space = query.find(' ');
  if (space == 0 || space == std::string_view::npos) return std::nullopt;
  q.account = std::string(query.substr(0, space));
  const std::string_view phrase = trim(query.substr(space));
  if (phrase.size() < 2 || phrase.front() != '"' || phrase.back() != '"') return std::nullopt;
  q.phrase = std::string(phrase.substr(1, phrase.size() - 2));
  return q;
}

std::string synthetic_tweet_id(std::string_view tweet_id, std::string_view user, engine::EngagementKind kind) {
  std::uint64_t h = fnv1a64(tweet_id);
  h = fnv1a64("|", h);
  h = fnv1a64(user, h);
  h = fnv1a64(engine::to_string(kind), h);
  // 19 digits that fit an int64, as X's ids do.
  constexpr std::uint64_t kLow = 1'000'000'000'000'000'000ULL;
  return std::to_string(kLow + h % (8 * kLow));
}

std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<engine::TransactionId> parse_transaction_id(std::string_view text) {
  const auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const std::string_view when = text.substr(at + 1);
  const auto dot = when.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view seconds = when.substr(0, dot), nanos = when.substr(dot + 1);
  if (!all_digits(seconds) || seconds.size() > 12 || nanos.size() != 9 || !all_digits(nanos)) return std::nullopt;
  const auto s = parse_int(seconds, 0, 999'999'999'999);
  const auto n = parse_int(nanos, 0, 999'999'999);
  // The ledger keys transactions by microseconds: a finer valid start would not round-trip.
  if (!s || !n || *n % 1000 != 0) return std::nullopt;
  return engine::TransactionId{std::string(text.substr(0, at)), engine::from_us(*s * 1'000'000 + *n / 1000)};
}

namespace {

ParsedTransaction refuse(std::string field, std::string error) {
  ParsedTransaction p;
  p.field = std::move(field);
  p.error = std::move(error);
  return p;
}

// A required non-empty string field; "" with `error` set when absent or wrong.
std::string string_field(const nlohmann::json& body, const char* name, bool required, std::string& error) {
  if (!body.contains(name)) {
    if (required) error = std::string(name) + " is required";
    return {};
  }
  const auto& v = body[name];
  if (!v.is_string()) {
    error = std::string(name) + ": expected a string";
    return {};
  }
  auto s = v.get<std::string>();
  if (required && s.empty()) error = std::string(name) + ": expected a non-empty string";
  return s;
}

// An integer field within [0, int64 max]; nullopt with `error` set otherwise.
std::optional<std::int64_t> integer_field(const nlohmann::json& body, const char* name, const char* unit,
                                          std::string& error) {
  const auto& v = body[name];
  const bool too_big = v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(INT64_MAX);
  if (!v.is_number_integer() || too_big || v.get<std::int64_t>() < 0) {
    error = std::string(name) + ": expected an integer >= 0 (" + unit + ")";
    return std::nullopt;
  }
  return v.get<std::int64_t>();
}

}  // namespace

ParsedTransaction parse_ledger_transaction(std::string_view text) {
  const auto body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return refuse("", "the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    (void)value;
    if (key != "transaction_id" && key != "valid_duration_us" && key != "op" && key != "from" && key != "to" &&
        key != "amount" && key != "memo")
      return refuse(key, "unknown field '" + key + "'");
  }
  engine::LedgerTransaction tx;
  std::string error;
  const std::string id_text = string_field(body, "transaction_id", true, error);
  if (!error.empty()) return refuse("transaction_id", error);
  const auto id = parse_transaction_id(id_text);
  if (!id) return refuse("transaction_id", "transaction_id: expected PAYER@SECONDS.NANOS (9 digits of nanos, whole microseconds)");
  tx.id = *id;
  const std::string op = string_field(body, "op", true, error);
  if (!error.empty()) return refuse("op", error);
  if (op == "transfer") tx.op = engine::LedgerOp::transfer;
  else if (op == "contract_create") tx.op = engine::LedgerOp::contract_create;
  else return refuse("op", "op: expected \"transfer\" or \"contract_create\"");
  tx.from = string_field(body, "from", true, error);
  if (!error.empty()) return refuse("from", error);
  tx.to = string_field(body, "to", true, error);
  if (!error.empty()) return refuse("to", error);
  if (!body.contains("amount")) return refuse("amount", "amount is required");
  const auto amount = integer_field(body, "amount", "minor units", error);
  if (!amount) return refuse("amount", error);
  tx.amount = engine::Money(*amount);
  tx.memo = string_field(body, "memo", false, error);
  if (!error.empty()) return refuse("memo", error);
  if (body.contains("valid_duration_us")) {
    const auto us = integer_field(body, "valid_duration_us", "microseconds", error);
    if (!us) return refuse("valid_duration_us", error);
    tx.valid_duration = engine::Duration(*us);
  }
  ParsedTransaction out;
  out.tx = std::move(tx);
  return out;
}

ParsedEngagement parse_mock_engagement(std::string_view text) {
  ParsedEngagement p;
  const auto refused = [&p](std::string field, std::string error) {
    p.field = std::move(field);
    p.error = std::move(error);
    return p;
  };
  const auto body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return refused("", "the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    (void)value;
    if (key != "tweet_id" && key != "user_id" && key != "kind") return refused(key, "unknown field '" + key + "'");
  }
  std::string error;
  p.tweet_id = string_field(body, "tweet_id", true, error);
  if (!error.empty()) return refused("tweet_id", error);
  p.user = string_field(body, "user_id", true, error);
  if (!error.empty()) return refused("user_id", error);
  const std::string kind = string_field(body, "kind", true, error);
  if (!error.empty()) return refused("kind", error);
  const auto k = engine::engagement_kind_from(kind);
  if (!k) return refused("kind", "kind: expected like, retweet, quote or reply, got '" + kind + "'");
  p.kind = *k;
  p.ok = true;
  return p;
}

std::string mirror_transaction_id(const engine::TransactionId& id) {
  const std::int64_t us = engine::to_us(id.valid_start);
  char buf[48];
  std::snprintf(buf, sizeof buf, "-%lld-%09lld", (long long)(us / 1'000'000), (long long)(us % 1'000'000 * 1000));
  return id.payer + buf;
}

std::string mirror_timestamp(engine::TimePoint t) {
  const std::int64_t us = engine::to_us(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", (long long)(us / 1'000'000), (long long)(us % 1'000'000 * 1000));
  return buf;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16 | std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 |
                            std::uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace clsim::mocks::wire
