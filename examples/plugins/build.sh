#!/usr/bin/env bash
# Builds every example plugin from source into OUTDIR (default: examples/plugins/out): C with clang-14 + wasi-libc,
# Rust with Debian's rustc 1.63, AssemblyScript with the asc from node_modules (npm ci). Exits non-zero on failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/out}"
mkdir -p "$out"
for lang in c rust as; do
  bash "$here/build-$lang.sh" "$out"
done
