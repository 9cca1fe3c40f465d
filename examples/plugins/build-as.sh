#!/usr/bin/env bash
# Builds the AssemblyScript example plugins (examples/plugins/<name>/plugin.ts) to OUTDIR/<name>.wasm.
#   examples/plugins/build-as.sh OUTDIR
# Needs node and the repository's node_modules (npm ci): asc runs from the repository root.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
asc="$root/node_modules/assemblyscript/bin/asc.js"
if [ ! -f "$asc" ]; then
    echo "build-as.sh: $asc not found (run npm ci in $root)" >&2
    exit 1
fi

cd "$root"   # asc finds node_modules from here
# Default runtime (incremental GC): instances are reused, so garbage must be collected.
build_one() {
    node "$asc" "$1" -o "$2" -O3 --noAssert
}
plugins_dir="$root/examples/plugins"
. "$plugins_dir/lib.sh"
build_each ts AssemblyScript "$out"
