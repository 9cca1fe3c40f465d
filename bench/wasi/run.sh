#!/usr/bin/env bash
# Builds the WASI benchmark corpus (bench/wasi/*.c and the SQLite workload of tests/Wasql.Wasi.Tests/Sqlite) to
# wasm32-wasi (clang-14 -O2) and natively (gcc -O2), then runs every program four ways (native, node:wasi,
# wasmtime-dotnet, `wasql run`) plus `wasql run --fuel 1000G --timeout 10min` (limits on), checks that all outputs agree and prints
# the timing table (bench.py). Whole-process and in-program ("kernel_ms" on stderr) medians of N runs.
#
#   bench/wasi/run.sh [--quick] [--runs N] [--no-limits] [--only NAME[,NAME]] [--build-cli]
#
# Needs clang-14 + wasi-libc, gcc, node >= 20, npm (fetches the SQLite amalgamation: `npm pack better-sqlite3`,
# no install), python3 and the .NET SDK. Outputs go to ${WASQL_BENCH_DIR:-$TMPDIR/wasql-bench-wasi}.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${WASQL_BENCH_DIR:-${TMPDIR:-/tmp}/wasql-bench-wasi}"
mkdir -p "$out"

BS3_VERSION=12.4.1     # better-sqlite3 12.4.1 ships SQLite 3.50.4 (same pin as tests/Wasql.Wasi.Tests/Sqlite)
SQLITE_VERSION=3.50.4
CLANG="${WASQL_CLANG:-clang-14}"
GCC="${WASQL_GCC:-gcc}"

build_cli=0
args=()
for a in "$@"; do
  case "$a" in
    --build-cli) build_cli=1 ;;
    *) args+=("$a") ;;
  esac
done

for tool in "$CLANG" "$GCC" node npm python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is not installed" >&2; exit 1; }
done

# wasql as it is installed: published, with the host's own code precompiled (ReadyToRun), not a plain build.
cli="$out/wasql-cli/wasql.dll"
if [[ $build_cli == 1 || ! -f "$cli" ]]; then
  echo "== publishing wasql (Release, ReadyToRun)" >&2
  dotnet publish "$root/src/Wasql.Cli" -c Release -r linux-x64 --self-contained false -o "$out/wasql-cli" -nologo -v q -clp:ErrorsOnly >&2
fi

# The SQLite amalgamation: reuse the test cache if present, else npm pack the pinned better-sqlite3 tarball.
amalg="${TMPDIR:-/tmp}/wasql-wasi-tests/sqlite/sqlite-$SQLITE_VERSION-bs3-$BS3_VERSION"
if [[ ! -f "$amalg/sqlite3.c" ]]; then
  amalg="$out/sqlite-$SQLITE_VERSION"
  if [[ ! -f "$amalg/sqlite3.c" ]]; then
    echo "== fetching better-sqlite3@$BS3_VERSION (SQLite $SQLITE_VERSION amalgamation)" >&2
    rm -rf "$out/pack" && mkdir -p "$out/pack" "$amalg"
    npm pack "better-sqlite3@$BS3_VERSION" --pack-destination "$out/pack" --silent >/dev/null
    tar -xzf "$out/pack"/better-sqlite3-*.tgz -C "$out/pack" package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h
    mv "$out/pack/package/deps/sqlite3/sqlite3.c" "$out/pack/package/deps/sqlite3/sqlite3.h" "$amalg/"
  fi
fi

sysroot=()
for s in /usr/share/wasi-sysroot /opt/wasi-sdk/share/wasi-sysroot; do [[ -d $s ]] && { sysroot=(--sysroot="$s"); break; }; done
WASM=("$CLANG" --target=wasm32-wasi "${sysroot[@]}" -O2)
NATIVE=("$GCC" -O2)
SQLITE_DEFS=(-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_OMIT_SHARED_CACHE
             -DSQLITE_TEMP_STORE=3 -DSQLITE_DEFAULT_MEMSTATUS=0)
WASI_EMU=(-D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_PROCESS_CLOCKS)
WASI_LIBS=(-lwasi-emulated-mman -lwasi-emulated-getpid -lwasi-emulated-process-clocks)

# rebuild TARGET if it is missing or older than any of the following inputs
stale() { local t="$1"; shift; [[ ! -f $t ]] && return 0; for f in "$@"; do [[ $f -nt $t ]] && return 0; done; return 1; }

echo "== building the corpus in $out" >&2
for src in "$here"/*.c; do
  name="$(basename "$src" .c)"
  if stale "$out/$name.wasm" "$src" "$here/bench.h"; then "${WASM[@]}" -Wall "$src" -o "$out/$name.wasm"; fi
  if stale "$out/$name.native" "$src" "$here/bench.h"; then "${NATIVE[@]}" -Wall "$src" -o "$out/$name.native" -lm; fi
done
drv="$root/tests/Wasql.Wasi.Tests/Sqlite/sqlite_workload.c"
if stale "$out/sqlite3-wasm32.o" "$amalg/sqlite3.c" || stale "$out/sqlite3-native.o" "$amalg/sqlite3.c"; then
  echo "== compiling sqlite3.c for both targets (about 30 s)" >&2
  "${WASM[@]}" "${WASI_EMU[@]}" "${SQLITE_DEFS[@]}" -c "$amalg/sqlite3.c" -o "$out/sqlite3-wasm32.o" &
  "${NATIVE[@]}" "${SQLITE_DEFS[@]}" -c "$amalg/sqlite3.c" -o "$out/sqlite3-native.o"
  wait
fi
if stale "$out/sqlite.wasm" "$drv" "$out/sqlite3-wasm32.o"; then
  "${WASM[@]}" "${WASI_EMU[@]}" "${SQLITE_DEFS[@]}" -I"$amalg" "$drv" "$out/sqlite3-wasm32.o" -o "$out/sqlite.wasm" "${WASI_LIBS[@]}"
fi
if stale "$out/sqlite.native" "$drv" "$out/sqlite3-native.o"; then
  "${NATIVE[@]}" "${SQLITE_DEFS[@]}" -I"$amalg" "$drv" "$out/sqlite3-native.o" -o "$out/sqlite.native" -lm
fi

# The peer: wasmtime-dotnet (NuGet Wasmtime, Cranelift) running the same .wasm through Wasql.Wasm.Bench wasi-wasmtime.
echo "== building the wasmtime-dotnet runner (bench/Wasql.Wasm.Bench)" >&2
dotnet build "$root/bench/Wasql.Wasm.Bench" -c Release -nologo -v q -clp:ErrorsOnly >&2
wasmtime_runner="$root/bench/Wasql.Wasm.Bench/bin/Release/net10.0/Wasql.Wasm.Bench.dll"

exec python3 "$here/bench.py" --dir "$out" --cli "$cli" --wasmtime "$wasmtime_runner" "${args[@]}"
