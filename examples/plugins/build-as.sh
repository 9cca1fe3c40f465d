#!/usr/bin/env bash
# Builds the AssemblyScript example plugins (examples/plugins/<name>/plugin.ts) to OUTDIR/<name>.wasm.
#   examples/plugins/build-as.sh OUTDIR
# Needs node and the repository's node_modules (npm ci) for asc; the SDK is installed from its npm pack tarball.
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

# The SDK as a user gets it: `npm pack` of sdk/assemblyscript (the package "wasql-plugin"), installed into a build
# folder; each example is compiled there and imports "wasql-plugin" like any npm package.
build="$out/as-build"
rm -rf "$build" && mkdir -p "$build"
tarball=$(cd "$root/sdk/assemblyscript" && npm pack --silent --pack-destination "$build")
(cd "$build" && echo '{ "private": true }' > package.json &&
    npm install --silent --no-save --offline --no-audit --no-fund --no-package-lock "./$tarball" >/dev/null)

# Default runtime (incremental GC): instances are reused, so garbage must be collected. No --noAssert: a failed
# assertion or a null dereference (`!`) must trap with its message instead of silently reading address 0.
build_one() {
    mkdir -p "$build/$3"
    cp "$1" "$build/$3/plugin.ts"
    (cd "$build" && node "$asc" "$3/plugin.ts" -o "$2" -O3)
}
plugins_dir="$root/examples/plugins"
. "$plugins_dir/lib.sh"
build_each ts AssemblyScript "$out"
