#!/usr/bin/env bash
# Starts the swarm on the cluster kubectl points at: renders the manifests, makes
# the results volume, runs the Indexed Job, waits until it has ended (complete,
# or failed because a shard had a failing seed), then runs the merge Job and
# prints its output. Exit status: the merge's (0 all seeds passed and every
# required cell was reached).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/render.sh" "$out"
source <(grep -E '^[A-Z_]+=' "$here/swarm.env" | sed 's/[[:space:]]*#.*//')

kubectl apply -f "$out/results-pvc.yaml"
kubectl delete job clsim-swarm clsim-swarm-merge --ignore-not-found
kubectl apply -f "$out/swarm-job.yaml"
deadline=$((SECONDS + DEADLINE_S + 60))
until kubectl get job clsim-swarm -o jsonpath='{.status.conditions[*].type}' | grep -qE 'Complete|Failed'; do
  ((SECONDS < deadline)) || { echo "run-swarm.sh: the swarm Job did not end in time" >&2; exit 3; }
  sleep 10
done
kubectl apply -f "$out/swarm-merge-job.yaml"
until kubectl get job clsim-swarm-merge -o jsonpath='{.status.conditions[*].type}' | grep -qE 'Complete|Failed'; do
  ((SECONDS < deadline + 600)) || { echo "run-swarm.sh: the merge Job did not end in time" >&2; exit 3; }
  sleep 5
done
kubectl logs job/clsim-swarm-merge
kubectl get job clsim-swarm-merge -o jsonpath='{.status.conditions[*].type}' | grep -q Complete
