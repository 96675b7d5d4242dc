#!/bin/sh
# Guided against unguided clsim fuzz, each from a fresh state directory: cells
# reached after each seed count (resuming the same state, so no seed runs twice),
# and the seeds it took to reach every required cell. Not a ctest: minutes long.
# Usage: [MODES="unguided guided"] sim/fuzz/measure_guidance.sh [CLSIM] [JOBS] [COUNTS...]
#   e.g. sim/fuzz/measure_guidance.sh build/clsim 2 100 500 2000
set -eu
clsim=${1:-build/clsim}
jobs=${2:-2}
shift 2 2>/dev/null || shift $#
counts=${*:-100 500 2000}
work=$(mktemp -d "${TMPDIR:-/tmp}/clsim-guidance-XXXXXX")
trap 'rm -rf "$work"' EXIT

# One figure of DIR/fuzz.json (python3 reads it; jq may not be there).
field() {
  python3 - "$1/fuzz.json" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
cov = s["summary"]["coverage"]
need = [l.strip().split(" ", 1) for l in open("tests/swarm/required_coverage.txt")
        if l.strip() and not l.startswith("#")]
reached = sum(1 for sec, key in need if cov.get(sec, {}).get(key.strip(), 0) > 0)
print({"cells": s["cells_reached"], "required": "%d/%d" % (reached, len(need)),
       "complete": s["required_complete_at"] or "-"}[sys.argv[2]])
PY
}

printf '| mode | seeds | cells reached | required cells reached | all required after | wall s |\n'
printf '|---|---|---|---|---|---|\n'
for mode in ${MODES:-unguided guided}; do
  dir="$work/$mode"
  flag=""
  [ "$mode" = guided ] && flag="--guided"
  done_seeds=0
  for n in $counts; do
    start=$(date +%s)
    "$clsim" fuzz --state "$dir" --max-seeds $((n - done_seeds)) --jobs "$jobs" $flag >/dev/null 2>&1 || true
    wall=$(($(date +%s) - start))
    done_seeds=$n
    printf '| %s | %s | %s | %s | %s | %s |\n' "$mode" "$n" "$(field "$dir" cells)" "$(field "$dir" required)" \
      "$(field "$dir" complete)" "$wall"
  done
done
