#include "sim/runtime/trace.hpp"

#include <cstdio>

#include "sim/runtime/prng.hpp"

namespace clsim::sim {

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)v);
  return buf;
}

void Trace::begin(std::string_view identity) {
  hash_ = fnv1a64(identity);
  seq_ = 0;
  tail_.clear();
}

namespace {
constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

bool plain_ascii(std::string_view s) {
  for (const unsigned char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

bool names_a_header(const nlohmann::ordered_json& fields) {
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& k = it.key();
    if (k == "seq" || k == "t_us" || k == "engine" || k == "ev") return true;
  }
  return false;
}
}  // namespace

std::string Trace::line_as_object(std::uint64_t seq, std::int64_t t_us, int engine, std::string_view ev,
                                  const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json line;
  line["seq"] = seq;
  line["t_us"] = t_us;
  line["engine"] = engine;
  line["ev"] = ev;
  if (fields.is_object())
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  // Invalid UTF-8 from a script must not abort the run: replace it.
  return line.dump(-1, ' ', false, kReplace);
}

// The same bytes as line_as_object, written directly: copying every field into a
// new object and dumping it was a sixth of a swarm seed. Fields that reuse a
// header's name (they overwrite it in place) take the object path.
std::string Trace::line(std::uint64_t seq, std::int64_t t_us, int engine, std::string_view ev,
                        const nlohmann::ordered_json& fields) {
  if (fields.is_object() && names_a_header(fields)) return line_as_object(seq, t_us, engine, ev, fields);
  std::string text;
  text.reserve(96);
  text += "{\"seq\":";
  text += std::to_string(seq);
  text += ",\"t_us\":";
  text += std::to_string(t_us);
  text += ",\"engine\":";
  text += std::to_string(engine);
  text += ",\"ev\":";
  if (plain_ascii(ev)) {
    text += '"';
    text += ev;
    text += '"';
  } else {
    text += nlohmann::ordered_json(std::string(ev)).dump(-1, ' ', false, kReplace);
  }
  if (fields.is_object() && !fields.empty()) {
    const std::string rest = fields.dump(-1, ' ', false, kReplace);  // {"k":v,...}
    text += ',';
    text.append(rest, 1, std::string::npos);
  } else {
    text += '}';
  }
  return text;
}

std::uint64_t Trace::append(std::int64_t t_us, int engine, std::string_view ev,
                            const nlohmann::ordered_json& fields) {
  std::string text = line(++seq_, t_us, engine, ev, fields);
  hash_ = fnv1a64(text, hash_);
  hash_ = fnv1a64("\n", hash_);
  if (sink_) sink_(text);
  tail_.push_back(std::move(text));
  if (tail_.size() > kTailLines) tail_.pop_front();
  return seq_;
}

std::string Trace::hash_hex() const { return hex16(hash_); }

}  // namespace clsim::sim
