#!/usr/bin/env bash
# The main job, end to end on a fresh machine: installs what is missing, builds Wasql, then uses the embedded
# database: WebAssembly functions created with SQL (the real arrow-udf module built for Databend, sent as base64,
# and an inline Rust function compiled on the spot), used in queries, and still there after a restart; then a
# query plugin chosen by a filter.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
export WASQL_SHARED="${WASQL_SHARED:-$(cd .. && pwd)/shared}"

echo "== build"
dotnet build src/Wasql.Cli -c Release -nologo -v q -clp:ErrorsOnly
wasql() { dotnet src/Wasql.Cli/bin/Release/net10.0/wasql.dll "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/demo.db"

echo "== wasql run: a WASI program in the sandbox"
printf '#include <stdio.h>\nint main(void){ puts("hello from wasm32-wasi"); return 0; }\n' > "$work/hello.c"
clang-14 --target=wasm32-wasi -O2 "$work/hello.c" -o "$work/hello.wasm"
wasql run "$work/hello.wasm"

echo "== wasql sql: create functions (arrow-udf module as base64, inline Rust) and query with them"
{
  echo "CREATE FUNCTION gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd')"
  echo "  USING BASE64 '$(base64 -w0 "$WASQL_SHARED/fixtures/arrow-udf/databend_gcd.wasm")';"
  cat <<'SQL'
CREATE FUNCTION collatz_steps(bigint) RETURNS bigint LANGUAGE rust AS $$
    fn collatz_steps(mut n: i64) -> i64 {
        let mut steps = 0;
        while n > 1 { n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 }; steps += 1; }
        steps
    }
$$;
CREATE TABLE pairs(a INTEGER, b INTEGER);
INSERT INTO pairs VALUES (12, 18), (15, 25), (1071, 462), (7, NULL);
SELECT a, b, gcd(a, b) AS gcd, collatz_steps(a) AS steps FROM pairs ORDER BY a;
SQL
} > "$work/setup.sql"
wasql sql --db "$db" -f "$work/setup.sql"

echo "== restart: the functions are in the database file"
wasql sql --db "$db" -c "SHOW FUNCTIONS; SELECT sum(gcd(a, b)) AS total FROM pairs;"

echo "== errors keep their position; a failing UDF fails the query, not the database"
wasql sql --db "$db" -c "SELECT gcd(a) FROM pairs;" || true
wasql sql --db "$db" -c "SELECT gcd(a, b) FROM pairs WHERE a = 12;"

echo "== query plugins: a C plugin built from examples/plugins denies DELETE without WHERE"
bash examples/plugins/build-c.sh "$work/plugins" >/dev/null
wasql sql --db "$db" -c "CREATE PLUGIN deny_unbounded_writes USING FILE '$work/plugins/deny_unbounded_writes.wasm';
  CREATE FILTER writes_need_where WITH_PATTERN (kinds = 'update,delete') EXECUTE (plugin = deny_unbounded_writes);
  EXPLAIN FILTERS DELETE FROM pairs;"
wasql sql --db "$db" -c "DELETE FROM pairs;" || true
wasql sql --db "$db" -c "DELETE FROM pairs WHERE b IS NULL; SELECT count(*) AS pairs_left FROM pairs;"
