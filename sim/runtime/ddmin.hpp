// Delta debugging (Zeller's ddmin) over a set of element indices: the smallest
// subset it can find on which `still_fails` holds. `closure` adds what a subset
// cannot do without (a campaign's create for its later commands); `progress`
// hears one line per step. Used by `clsim minimize` (log lines) and `clsim
// shrink` (workload actions and scheduled faults).
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace clsim::sim {

using Indices = std::vector<std::size_t>;  // sorted

struct DdminHooks {
  std::function<bool(const Indices&)> still_fails;
  std::function<Indices(const Indices&)> closure;  // none: identity
  std::function<void(std::size_t size, std::size_t chunks)> progress;
  // Stop early (keeping the best so far) once this says so, e.g. a run budget.
  std::function<bool()> give_up;
};

Indices ddmin(Indices all, const DdminHooks& hooks);

}  // namespace clsim::sim
