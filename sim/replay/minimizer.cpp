#include "sim/replay/minimizer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "sim/runtime/ddmin.hpp"

namespace clsim::sim {

namespace {

constexpr const char* kCreateType = "campaign:create:v1:requested";

class Ddmin {
 public:
  Ddmin(const EventLog& log, const ReplayOptions& options) : log_(log), options_(options) {
    for (std::size_t i = 0; i < log.lines.size(); ++i)
      if (log.lines[i].type == kCreateType && !log.lines[i].campaign_id.empty())
        create_of_.emplace(log.lines[i].campaign_id, i);
  }

  // A campaign's create line stays while any line about it stays.
  std::vector<std::size_t> closure(std::vector<std::size_t> keep) const {
    std::set<std::size_t> all(keep.begin(), keep.end());
    for (std::size_t i : keep) {
      const auto it = create_of_.find(log_.lines[i].campaign_id);
      if (it != create_of_.end()) all.insert(it->second);
    }
    return {all.begin(), all.end()};
  }

  std::string signature_of(const std::vector<std::size_t>& keep) {
    ++replays;
    EventLog sub;
    sub.file = log_.file;
    sub.config = log_.config;
    std::set<std::string> seen;
    for (std::size_t i : keep) {
      LogLine l = log_.lines[i];
      l.repeated = !seen.insert(l.event_id).second;
      sub.lines.push_back(std::move(l));
    }
    ReplayOptions o = options_;
    o.identity = render_log(log_, keep);
    o.trace_sink = nullptr;
    auto r = replay_log(sub, o);
    if (r.exit_code != 1 || !r.sim) return {};
    return failure_signature(*r.sim);
  }

  int replays = 0;

 private:
  const EventLog& log_;
  const ReplayOptions& options_;
  std::map<std::string, std::size_t> create_of_;
};

}  // namespace

std::string render_log(const EventLog& log, const std::vector<std::size_t>& keep) {
  std::string out;
  if (log.config) out += log.config->text + "\n";
  for (std::size_t i : keep) out += log.lines[i].text + "\n";
  return out;
}

MinimizeResult minimize_log(const EventLog& log, const ReplayOptions& options,
                            const std::function<void(const std::string&)>& progress) {
  MinimizeResult result;
  result.lines_before = log.lines.size();
  Ddmin dd(log, options);
  std::vector<std::size_t> c(log.lines.size());
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = i;
  result.signature = dd.signature_of(c);
  result.failed = !result.signature.empty();
  if (!result.failed) {
    result.replays = dd.replays;
    return result;
  }
  DdminHooks hooks;
  hooks.still_fails = [&](const Indices& s) { return dd.signature_of(s) == result.signature; };
  hooks.closure = [&](const Indices& s) { return dd.closure(s); };
  hooks.progress = [&](std::size_t size, std::size_t chunks) {
    if (progress)
      progress("minimize: " + std::to_string(size) + " lines, " + std::to_string(chunks) + " chunks, " +
               std::to_string(dd.replays) + " replays tried");
  };
  c = ddmin(std::move(c), hooks);
  result.replays = dd.replays;
  result.lines_after = c.size();
  result.text = render_log(log, c);
  return result;
}

}  // namespace clsim::sim
