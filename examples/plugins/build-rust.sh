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
build_one() {
    "$rustc" --edition 2021 --crate-type cdylib --crate-name "$3" --target wasm32-unknown-unknown \
        -O -C panic=abort -C strip=debuginfo "$1" -o "$2"
}
. "$here/lib.sh"
build_each rs Rust "$out"
