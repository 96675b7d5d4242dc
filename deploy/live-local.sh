#!/usr/bin/env bash
# `make live`: the whole live stack on this machine, on loopback only:
# redis-server on a free port, `clsim mockd` (mock X API and ledger gateway) and
# `clsim serve` (the engine as a service). Prints the URLs and a curl line to try;
# Ctrl-C stops all three. Logs, the database and the capture stay in the printed
# directory, so a run can be replayed afterwards (clsim replay DIR/capture.jsonl).
#
# Environment: CLSIM (the binary, default build/clsim), LIVE_PORT (serve's port,
# default 0: any free one), POLL_S (engagement poll, default 5), AUDIENCE (default 100).
set -euo pipefail

clsim=${CLSIM:-build/clsim}
dir=$(mktemp -d -t clsim-live-XXXXXX)
pids=()

stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "stopped; logs, database and capture in $dir"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Waits (at most 10 s) for a port file a process writes once it listens.
wait_port_file() {
  local file=$1 pid=$2
  for _ in $(seq 1 100); do
    [[ -s $file ]] && { cat "$file"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# redis-server cannot pick a free port itself: try random ones until one binds.
redis_port=
for _ in $(seq 1 20); do
  port=$((20000 + RANDOM % 40000))
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 20); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then redis_port=$port; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -n $redis_port ]]; then pids+=("$pid"); break; fi
  kill "$pid" 2>/dev/null || true
done
[[ -n $redis_port ]] || { echo "redis-server did not start (see $dir/redis.log)" >&2; exit 1; }

"$clsim" mockd --listen 127.0.0.1:0 --port-file "$dir/mockd.port" --audience "${AUDIENCE:-100}" \
  >"$dir/mockd.log" 2>&1 &
pids+=("$!")
mockd_port=$(wait_port_file "$dir/mockd.port" "$!") || { echo "mockd did not start:" >&2; cat "$dir/mockd.log" >&2; exit 1; }

"$clsim" serve --db "$dir/campaigns.db" --listen "127.0.0.1:${LIVE_PORT:-0}" --port-file "$dir/serve.port" \
  --redis "127.0.0.1:$redis_port" --twitter-url "http://127.0.0.1:$mockd_port" \
  --ledger-url "http://127.0.0.1:$mockd_port" --poll-interval-s "${POLL_S:-5}" \
  --capture "$dir/capture.jsonl" >"$dir/serve.log" 2>&1 &
pids+=("$!")
serve_port=$(wait_port_file "$dir/serve.port" "$!") || { echo "serve did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; }

url="http://127.0.0.1:$serve_port"
cat <<INFO
live stack up (Ctrl-C stops it)
  page     $url/
  api      $url/v1/campaigns   health $url/readyz   metrics $url/metrics
  mockd    http://127.0.0.1:$mockd_port/mock/state
  redis    127.0.0.1:$redis_port
  files    $dir

try:
  curl -s -X POST $url/v1/campaigns -H 'content-type: application/json' \\
    -d '{"owner":"alice","budget":100000,"rates":{"like":100,"retweet":300,"quote":500,"reply":200},"duration_us":30000000,"claim_window_us":30000000}'
  curl -s -X POST $url/v1/campaigns/c-1/publish
  curl -s $url/v1/campaigns/c-1
INFO
wait -n "${pids[@]}" || true
echo "a process of the stack stopped by itself; see the logs in $dir" >&2
exit 1
