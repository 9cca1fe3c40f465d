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
mkdir -p "$out"
status=0
built=0
for src in "$here"/*/plugin.c; do
    [ -f "$src" ] || continue
    name=$(basename "$(dirname "$src")")
    if "$CLANG" --target=wasm32-wasi -O2 -mexec-model=reactor -std=c11 -Wall -Wextra -Werror -I"$sdk" \
            -Wl,--strip-all "$src" -o "$out/$name.wasm"; then
        echo "built $out/$name.wasm ($(wc -c < "$out/$name.wasm") bytes)"
        built=$((built + 1))
    else
        echo "FAILED $name ($src)" >&2
        status=1
    fi
done
if [ "$built" -eq 0 ] && [ "$status" -eq 0 ]; then
    echo "no C examples found under $here" >&2
    status=1
fi
exit $status
