#!/usr/bin/env bash
# The main job, end to end on a fresh machine: installs what is missing, builds Wasql, then shows the
# engine at work: a C program compiled to WebAssembly runs sandboxed under `wasql run`, and the real
# arrow-udf module built for Databend is inspected.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
export WASQL_SHARED="${WASQL_SHARED:-$(cd .. && pwd)/shared}"

echo "== build"
dotnet build src/Wasql.Cli -c Release -nologo -v q -clp:ErrorsOnly
wasql() { dotnet src/Wasql.Cli/bin/Release/net10.0/wasql.dll "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/primes.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 100000, count = 0;
    char *sieve = calloc(n + 1, 1);
    for (int i = 2; i <= n; i++) if (!sieve[i]) { count++; for (long long j = (long long)i * i; j <= n; j += i) sieve[j] = 1; }
    printf("%d primes up to %d\n", count, n);
    FILE *f = fopen("/out/result.txt", "w");
    if (f) { fprintf(f, "%d\n", count); fclose(f); }
    return 0;
}
C
clang-14 --target=wasm32-wasi -O2 "$work/primes.c" -o "$work/primes.wasm"
mkdir -p "$work/out"

echo "== wasql run: a WASI program in the sandbox (only --dir is visible to it)"
wasql run --dir "$work/out::/out" --max-memory 64MiB --timeout 10s "$work/primes.wasm" 10000000
echo "host sees: $(cat "$work/out/result.txt")"

echo "== wasql run: a runaway guest is stopped by its deadline, the host carries on"
printf 'int main(void){ volatile int x = 1; while (x) {} }' > "$work/spin.c"
clang-14 --target=wasm32-wasi -O2 "$work/spin.c" -o "$work/spin.wasm"
wasql run --timeout 500ms "$work/spin.wasm" || echo "(exit code $?, as expected)"

echo "== wasql inspect: the arrow-udf module built for Databend"
wasql inspect "$WASQL_SHARED/fixtures/arrow-udf/databend_gcd.wasm"
