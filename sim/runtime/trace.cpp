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

std::uint64_t Trace::append(std::int64_t t_us, int engine, std::string_view ev,
                            const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json line;
  line["seq"] = ++seq_;
  line["t_us"] = t_us;
  line["engine"] = engine;
  line["ev"] = ev;
  if (fields.is_object())
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  // Invalid UTF-8 from a script must not abort the run: replace it.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  hash_ = fnv1a64(text, hash_);
  hash_ = fnv1a64("\n", hash_);
  if (sink_) sink_(text);
  tail_.push_back(std::move(text));
  if (tail_.size() > kTailLines) tail_.pop_front();
  return seq_;
}

std::string Trace::hash_hex() const { return hex16(hash_); }

}  // namespace clsim::sim
