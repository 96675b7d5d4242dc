#!/usr/bin/env bash
# The one list of Debian packages clsim needs. Installs only what dpkg says is
# missing, so a machine that has everything pays nothing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make git
  libboost-dev            # Asio (1.74 on Debian 12; 1.81 also works)
  libsqlite3-dev
  liblua5.4-dev           # ships the C++-built lua5.4-c++ used by sim/lua
  nlohmann-json3-dev
  libbenchmark-dev
  libgtest-dev libgmock-dev
  librapidcheck-dev
  redis-server            # the real Redis: the mock's differential test, live mode
  libhiredis-dev          # live mode's Bus adapter (pkg-config hiredis)
  libssl-dev              # live mode's https clients
  chromium                # the live page's headless browser test
  nodejs                  # deploy/'s manifest check (tests/deploy), the BullMQ bench peer
)

# Debian's nodejs comes without npm; NodeSource's has it.
command -v npm >/dev/null 2>&1 || packages+=(npm)

# npm packages of the project's node tools, from their package-lock.json files:
# deploy/test (kubernetes-models, yaml). CLSIM_SKIP_NPM=1 leaves them out (images).
install_npm() {
  [[ ${CLSIM_SKIP_NPM:-0} == 1 ]] && return 0
  local root
  root=$(cd "$(dirname "$0")/.." && pwd)
  for dir in deploy/test; do
    if [[ ! -d $root/$dir/node_modules ]]; then
      echo "npm ci in $dir"
      (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# libboost1.81-dev satisfies the Boost requirement as well.
if [[ " ${missing[*]} " == *" libboost-dev "* ]] && dpkg -s libboost1.81-dev >/dev/null 2>&1; then
  missing=("${missing[@]/libboost-dev}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]} == 0)); then
  install_npm
  exit 0
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
install_npm
