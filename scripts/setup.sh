#!/usr/bin/env bash
# Installs what Wasql's build, tests and demo need on a fresh Debian machine (idempotent, quiet when done).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(wabt binaryen clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 rustc cargo libstd-rust-dev-wasm32 bubblewrap postgresql-client)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules/apache-arrow ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm tools (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi
