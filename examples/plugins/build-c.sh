#!/bin/sh
# build-c.sh OUTDIR: builds every C example plugin (examples/plugins/<name>/plugin.c) to OUTDIR/<name>.wasm with
# the C SDK (sdk/c/wasql_plugin.h) and wasi-libc, as WASI reactors. Exits non-zero when one fails.
# CLANG overrides the compiler (default clang-14, then clang; it needs the wasm32-wasi target and wasi-libc).
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
here=$(cd "$(dirname "$0")" && pwd)
sdk=$(cd "$here/../../sdk/c" && pwd)
if [ -z "${CLANG:-}" ]; then
    if command -v clang-14 >/dev/null 2>&1; then CLANG=clang-14; else CLANG=clang; fi
fi
build_one() {
    "$CLANG" --target=wasm32-wasi -O2 -mexec-model=reactor -std=c11 -Wall -Wextra -Werror -I"$sdk" \
        -Wl,--strip-all "$1" -o "$2"
}
. "$here/lib.sh"
build_each c C "$out"
