// What clsim fuzz remembers between runs (DIR/fuzz.json, docs/CONTRACTS.md): the
// seeds run and their results, the coverage summed over them, and the batch in
// progress, so a second run continues where the first ended and never runs a
// seed twice. Seeds come from a stream of the fuzz seed; batches have a fixed
// size, and a batch's bias flags are chosen only once every earlier batch has
// completed, so the choices do not depend on jobs, budgets or resumptions.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "sim/swarm/random_plan.hpp"
#include "sim/swarm/required_coverage.hpp"
#include "sim/swarm/swarm_summary.hpp"

namespace clsim::sim {

struct FuzzSeed {
  std::uint64_t seed = 0;
  RandomBias bias;  // empty unless --guided chose knobs for it
};

class FuzzState {
 public:
  static constexpr std::size_t kBatchSeeds = 16;  // fixed: --jobs must not change what a batch is

  FuzzState(std::uint64_t fuzz_seed, bool guided, engine::Mutations mutations);

  // Adopts a saved state. Throws std::invalid_argument naming the problem when it
  // is not one, or was started with another fuzz seed, --guided or --mutate.
  void load(const nlohmann::ordered_json& saved);
  nlohmann::ordered_json to_json() const;

  // The seeds to run next, at most `limit`: the open batch's remaining seeds; when
  // none remain, a new batch is planned (its bias flags from `required` and the
  // coverage so far when guided).
  std::vector<FuzzSeed> next(std::size_t limit, const std::vector<RequiredCell>& required);
  // A seed of the open batch finished with this report.
  void record(const FuzzSeed& seed, const nlohmann::ordered_json& report, const std::vector<RequiredCell>& required);
  // Where a failing seed's files went, or why there are none.
  void note_failure_files(std::uint64_t seed, const std::string& note) { failure_files_[seed] = note; }

  std::size_t seeds_run() const { return summary_.seeds().size(); }
  const SwarmSummary& summary() const { return summary_; }
  std::size_t cells_reached() const;  // distinct cells of every coverage section
  // The required cells not reached yet.
  std::vector<RequiredCell> unreached_required(const std::vector<RequiredCell>& required) const;
  std::optional<std::size_t> required_complete_at() const { return required_complete_at_; }

 private:
  void plan_batch(const std::vector<RequiredCell>& required);

  std::uint64_t fuzz_seed_;
  bool guided_;
  engine::Mutations mutations_;
  std::uint64_t seeds_drawn_ = 0;  // draws taken from the seed stream
  std::uint64_t batches_ = 0;      // batches planned
  std::vector<FuzzSeed> pending_;  // the open batch's seeds not yet run
  SwarmSummary summary_;
  nlohmann::ordered_json runs_ = nlohmann::ordered_json::array();
  nlohmann::ordered_json history_ = nlohmann::ordered_json::array();
  std::map<std::uint64_t, std::string> failure_files_;
  std::optional<std::size_t> required_complete_at_;
};

}  // namespace clsim::sim
