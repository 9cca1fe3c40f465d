#!/bin/sh
# build-rust.sh OUTDIR: builds every Rust example plugin (examples/plugins/<name>/plugin.rs) to OUTDIR/<name>.wasm
# for wasm32-unknown-unknown with the Rust SDK (sdk/rust/wasql_plugin.rs). Exits non-zero when one fails.
# RUSTC overrides the compiler (default /usr/bin/rustc: it needs the wasm32-unknown-unknown target).
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
here=$(cd "$(dirname "$0")" && pwd)
rustc=${RUSTC:-/usr/bin/rustc}
mkdir -p "$out"
status=0
built=0
for src in "$here"/*/plugin.rs; do
    [ -f "$src" ] || continue
    name=$(basename "$(dirname "$src")")
    if "$rustc" --edition 2021 --crate-type cdylib --crate-name "$name" --target wasm32-unknown-unknown \
            -O -C panic=abort -C strip=debuginfo "$src" -o "$out/$name.wasm"; then
        echo "built $out/$name.wasm ($(wc -c < "$out/$name.wasm") bytes)"
        built=$((built + 1))
    else
        echo "FAILED $name ($src)" >&2
        status=1
    fi
done
if [ "$built" -eq 0 ] && [ "$status" -eq 0 ]; then
    echo "no Rust examples found under $here" >&2
    status=1
fi
exit $status
