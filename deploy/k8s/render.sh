#!/usr/bin/env bash
# Writes the swarm's Kubernetes manifests into OUT_DIR from the *.yaml.in beside
# this script and the parameters of swarm.env; a parameter already set in the
# environment wins (SEEDS=1..40 render.sh out/ for a small run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: render.sh OUT_DIR}
mkdir -p "$out"

keys=()
while IFS= read -r line; do
  line=${line%%#*}
  [[ $line =~ ^[[:space:]]*([A-Z_]+)=([^[:space:]]*) ]] || continue
  key=${BASH_REMATCH[1]}
  keys+=("$key")
  if [[ -z ${!key+set} ]]; then export "$key=${BASH_REMATCH[2]}"; fi
done <"$here/swarm.env"

for template in "$here"/*.yaml.in; do
  text=$(<"$template")
  for key in "${keys[@]}"; do text=${text//@$key@/${!key}}; done
  if [[ $text =~ @[A-Z_]+@ ]]; then
    echo "render.sh: $(basename "$template"): no parameter ${BASH_REMATCH[0]} in swarm.env" >&2
    exit 2
  fi
  printf '%s\n' "$text" >"$out/$(basename "$template" .in)"
done
