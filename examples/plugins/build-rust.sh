#!/bin/sh
# build-rust.sh OUTDIR: builds every Rust example plugin (examples/plugins/<name>/, a Cargo crate whose plugin.rs
# uses the Rust SDK crate sdk/rust/wasql-plugin by path) to OUTDIR/<name>.wasm for wasm32-unknown-unknown, the way a
# plugin author builds one: cargo build --release. Offline (the SDK has no dependencies). Exits non-zero when one fails.
# CARGO and RUSTC override the toolchain (default Debian's /usr/bin/cargo and /usr/bin/rustc 1.63, which has the
# wasm32-unknown-unknown target; a rustup toolchain with that target works too).
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cargo=${CARGO:-/usr/bin/cargo}
export RUSTC="${RUSTC:-/usr/bin/rustc}"
export CARGO_TARGET_DIR="$out/cargo-target"   # one target dir: the SDK crate compiles once for all examples
build_one() {
    manifest="$(dirname "$1")/Cargo.toml"
    "$cargo" build --quiet --offline --release --target wasm32-unknown-unknown --manifest-path "$manifest" &&
        cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$3.wasm" "$2"
}
. "$here/lib.sh"
build_each rs Rust "$out"
