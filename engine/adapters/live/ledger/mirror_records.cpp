#include "engine/adapters/live/ledger/mirror_records.hpp"

#include <charconv>
#include <vector>

#include <nlohmann/json.hpp>

namespace clsim::live::ledger {

namespace {

using nlohmann::json;

std::optional<std::int64_t> digits(std::string_view text, std::size_t width_max) {
  if (text.empty() || text.size() > width_max) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

struct Record {
  engine::TransactionId id;
  std::optional<engine::LedgerStatus> status;  // nullopt: a result name we do not know
};

const engine::MemoLookupResult kUnreadable{false, std::nullopt, engine::LedgerStatus::UNKNOWN};

}  // namespace

std::optional<engine::TransactionId> mirror_transaction_id(std::string_view text) {
  const auto last = text.rfind('-');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const auto middle = text.rfind('-', last - 1);
  if (middle == std::string_view::npos || middle == 0) return std::nullopt;
  const auto seconds = digits(text.substr(middle + 1, last - middle - 1), 12);
  const auto nanos_text = text.substr(last + 1);
  const auto nanos = digits(nanos_text, 9);
  if (!seconds || !nanos || nanos_text.size() != 9) return std::nullopt;
  engine::TransactionId id;
  id.payer = std::string(text.substr(0, middle));
  // Engine ids are whole microseconds; a finer valid start is not one of ours.
  id.valid_start = engine::from_us(*seconds * 1'000'000 + *nanos / 1000);
  return id;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (text.ends_with('=')) text.remove_suffix(1);
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xFF);
    }
  }
  if (bits >= 6) return std::nullopt;  // one stray character cannot end a byte
  return out;
}

engine::MemoLookupResult memo_lookup_answer(const std::string& body, const std::string& memo) {
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("transactions") || !doc["transactions"].is_array()) return kUnreadable;
  // A further page may hold the record that succeeded: this page alone proves nothing.
  const auto links = doc.find("links");
  if (links != doc.end() && links->is_object() && links->contains("next") && !(*links)["next"].is_null())
    return kUnreadable;
  std::vector<Record> records;
  for (const auto& t : doc["transactions"]) {
    if (!t.is_object()) return kUnreadable;
    const auto memo_it = t.find("memo_base64");
    const auto id_it = t.find("transaction_id");
    const auto result_it = t.find("result");
    if (memo_it == t.end() || !memo_it->is_string() || id_it == t.end() || !id_it->is_string() ||
        result_it == t.end() || !result_it->is_string())
      return kUnreadable;
    // Another memo means the filter was not applied: then absence would prove nothing.
    if (base64_decode(memo_it->get<std::string>()) != memo) return kUnreadable;
    auto id = mirror_transaction_id(id_it->get<std::string>());
    if (!id) return kUnreadable;
    records.push_back(Record{std::move(*id), engine::ledger_status_from(result_it->get<std::string>())});
  }
  engine::MemoLookupResult out;
  if (records.empty()) return out;
  const Record* chosen = &records.front();
  for (const auto& r : records)
    if (r.status == engine::LedgerStatus::SUCCESS) {
      chosen = &r;
      break;
    }
  // A result name we cannot read must not be taken for "failed, pay again".
  if (!chosen->status) return kUnreadable;
  out.id = chosen->id;
  out.status = *chosen->status;
  return out;
}

}  // namespace clsim::live::ledger
