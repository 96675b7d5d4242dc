#include "sim/swarm/fuzz_state.hpp"

#include <stdexcept>

#include "engine/core/distributions.hpp"
#include "sim/runtime/prng.hpp"
#include "sim/swarm/coverage_guide.hpp"

namespace clsim::sim {

namespace {

using json = nlohmann::ordered_json;

json names_json(const engine::Mutations& m) {
  json out = json::array();
  for (const auto& n : m.names()) out.push_back(n);
  return out;
}

// Seeds fit in 32 bits so repro lines stay short.
std::uint64_t draw_seed(Prng& rng) { return 1 + engine::uniform_below(rng, 0xFFFFFFFEULL); }

}  // namespace

FuzzState::FuzzState(std::uint64_t fuzz_seed, bool guided, engine::Mutations mutations)
    : fuzz_seed_(fuzz_seed), guided_(guided), mutations_(mutations) {}

void FuzzState::load(const json& s) {
  if (!s.is_object() || s.value("clsim_fuzz", 0) != 1 || !s.contains("summary"))
    throw std::invalid_argument("not a clsim fuzz state");
  const auto differs = [](const std::string& what) {
    return std::invalid_argument("the state was started with another " + what +
                                 " (give the same flags, or a new state directory)");
  };
  if (s.value("fuzz_seed", std::uint64_t(0)) != fuzz_seed_) throw differs("--seed (" + s["fuzz_seed"].dump() + ")");
  if (s.value("guided", false) != guided_) throw differs("--guided setting");
  if (s.value("mutations", json::array()) != names_json(mutations_)) throw differs("--mutate list");
  if (s.value("batch_seeds", std::size_t(0)) != kBatchSeeds) throw differs("batch size");
  try {
    seeds_drawn_ = s.at("seeds_drawn").get<std::uint64_t>();
    batches_ = s.at("batches").get<std::uint64_t>();
    pending_.clear();
    for (const auto& p : s.at("pending")) pending_.push_back({p.at("seed").get<std::uint64_t>(), bias_from_json(p.at("bias"))});
    summary_ = SwarmSummary("random");
    summary_.merge(s.at("summary"));
    runs_ = s.at("runs");
    history_ = s.at("history");
    failure_files_.clear();
    for (auto it = s.at("failure_files").begin(); it != s.at("failure_files").end(); ++it)
      failure_files_[std::stoull(it.key())] = it.value().get<std::string>();
    if (s.contains("required_complete_at") && s["required_complete_at"].is_number())
      required_complete_at_ = s["required_complete_at"].get<std::size_t>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("a malformed clsim fuzz state: ") + e.what());
  }
}

json FuzzState::to_json() const {
  json pending = json::array();
  for (const auto& p : pending_) pending.push_back({{"seed", p.seed}, {"bias", bias_json(p.bias)}});
  json files = json::object();
  for (const auto& [seed, note] : failure_files_) files[std::to_string(seed)] = note;
  return {{"clsim_fuzz", 1},
          {"fuzz_seed", fuzz_seed_},
          {"guided", guided_},
          {"mutations", names_json(mutations_)},
          {"batch_seeds", kBatchSeeds},
          {"seeds_drawn", seeds_drawn_},
          {"batches", batches_},
          {"seeds_run", seeds_run()},
          {"cells_reached", cells_reached()},
          {"required_complete_at", required_complete_at_ ? json(*required_complete_at_) : json(nullptr)},
          {"pending", pending},
          {"runs", runs_},
          {"history", history_},
          {"failure_files", files},
          {"summary", summary_.to_json()}};
}

void FuzzState::plan_batch(const std::vector<RequiredCell>& required) {
  Prng rng = Prng::stream(fuzz_seed_, "fuzz.seeds");
  for (std::uint64_t i = 0; i < seeds_drawn_; ++i) draw_seed(rng);  // the stream picks up where it was
  std::vector<RandomBias> biases(kBatchSeeds);
  if (guided_)
    biases = guided_batch(fuzz_seed_, batches_, kBatchSeeds, nlohmann::json::parse(summary_.coverage().dump()),
                          required);
  for (std::size_t i = 0; i < kBatchSeeds; ++i) {
    std::uint64_t seed = draw_seed(rng);
    ++seeds_drawn_;
    while (summary_.seeds().count(seed) || [&] {
      for (const auto& p : pending_) if (p.seed == seed) return true;
      return false;
    }()) seed = draw_seed(rng), ++seeds_drawn_;
    pending_.push_back({seed, biases[i]});
  }
  ++batches_;
}

std::vector<FuzzSeed> FuzzState::next(std::size_t limit, const std::vector<RequiredCell>& required) {
  if (pending_.empty()) plan_batch(required);
  return {pending_.begin(), pending_.begin() + std::ptrdiff_t(std::min(limit, pending_.size()))};
}

void FuzzState::record(const FuzzSeed& seed, const json& report, const std::vector<RequiredCell>& required) {
  std::size_t at = 0;
  while (at < pending_.size() && pending_[at].seed != seed.seed) ++at;
  if (at == pending_.size()) throw std::logic_error("fuzz: seed " + std::to_string(seed.seed) + " is not pending");
  pending_.erase(pending_.begin() + std::ptrdiff_t(at));
  summary_.add_run(report);
  const std::string args = bias_args(seed.bias);
  runs_.push_back({{"seed", seed.seed},
                   {"batch", batches_ - 1},
                   {"args", args.empty() ? "" : args.substr(1)},
                   {"result", report.value("result", "fail")},
                   {"trace_hash", report.value("trace_hash", "")}});
  const bool all_required = !required.empty() && unreached_required(required).empty();
  if (all_required && !required_complete_at_) required_complete_at_ = seeds_run();
  if (pending_.empty())
    history_.push_back({{"batch", batches_ - 1},
                        {"seeds", seeds_run()},
                        {"cells", cells_reached()},
                        {"required_reached", required.size() - unreached_required(required).size()}});
}

std::size_t FuzzState::cells_reached() const {
  std::size_t n = 0;
  const json& c = summary_.coverage();
  for (auto s = c.begin(); s != c.end(); ++s)
    if (s.value().is_object())
      for (auto k = s.value().begin(); k != s.value().end(); ++k) n += k.value().is_number() && k.value().get<double>() > 0;
  return n;
}

std::vector<RequiredCell> FuzzState::unreached_required(const std::vector<RequiredCell>& required) const {
  return unreached(nlohmann::json::parse(summary_.coverage().dump()), required);
}

}  // namespace clsim::sim
