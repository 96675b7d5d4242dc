// The run's trace: one canonical line per processed event or engine trace event.
// The trace hash (FNV-1a 64 over the lines) is the run's fingerprint; the last
// lines are kept for failure reports and, optionally, every line goes to a sink.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace clsim::sim {

class Trace {
 public:
  using Sink = std::function<void(const std::string& line)>;

  // Seeds the hash with what defines the run (script contents, seed), so two
  // different scripts never share a hash by accident.
  void begin(std::string_view identity);
  // Appends {"seq","t_us","engine","ev", ...fields}; returns the line's seq.
  std::uint64_t append(std::int64_t t_us, int engine, std::string_view ev, const nlohmann::ordered_json& fields = {});
  std::uint64_t hash() const { return hash_; }
  std::string hash_hex() const;
  std::uint64_t lines() const { return seq_; }
  const std::deque<std::string>& tail() const { return tail_; }
  void set_sink(Sink sink) { sink_ = std::move(sink); }

  static constexpr std::size_t kTailLines = 40;

  // One line's text: {"seq","t_us","engine","ev", ...fields} as compact JSON.
  static std::string line(std::uint64_t seq, std::int64_t t_us, int engine, std::string_view ev,
                          const nlohmann::ordered_json& fields);
  // The same line built as a JSON object and dumped: the definition `line` keeps.
  static std::string line_as_object(std::uint64_t seq, std::int64_t t_us, int engine, std::string_view ev,
                                    const nlohmann::ordered_json& fields);

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
  std::uint64_t seq_ = 0;
  std::deque<std::string> tail_;
  Sink sink_;
};

std::string hex16(std::uint64_t v);

}  // namespace clsim::sim
