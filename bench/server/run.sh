#!/usr/bin/env bash
# Server benchmark: pgbench point reads (select-only custom script) against `wasql serve` and against a
# real PostgreSQL 15 started here on loopback as the postgres user, same data (ROWS accounts), same client
# count, in -M simple and -M extended. Prints a markdown table of TPS and average latency.
#   bench/server/run.sh [--quick] [--clients N] [--seconds S] [--functions-only]
# The functions block (issue #19) then runs the same point read with a wasm function in the select list, -M prepared:
# an inline Rust direct-ABI rgcd, the Databend arrow-udf fixture's wasm_gcd, and PostgreSQL's built-in gcd as anchor.
# Installs postgresql-15 / postgresql-contrib (pgbench) with apt-get when missing. Loopback only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${WASQL_BENCH_OUT:-$(mktemp -d /tmp/wasql-server-bench-XXXXXX)}"
chmod 755 "$out"
clients=8; threads=2; seconds=15; rows=100000; modes=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) seconds=5; rows=20000 ;;
        --clients) clients="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --functions-only) modes=0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
pgbin=/usr/lib/postgresql/15/bin
if [[ ! -x $pgbin/postgres || ! -x $pgbin/pgbench ]]; then
    echo "== installing postgresql-15 and postgresql-contrib" >&2
    apt-get install -y -q postgresql-15 postgresql-contrib >&2
fi
wport=55433; pport=55434
cleanup() {
    [[ -n "${wpid:-}" ]] && kill "$wpid" 2>/dev/null || true
    [[ -d "$out/pgdata" ]] && su postgres -c "$pgbin/pg_ctl -D $out/pgdata -m fast stop" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== building wasql (Release, output in $out)" >&2
dotnet build "$root/src/Wasql.Cli" -c Release -v q -nologo -o "$out/wasql" >&2

echo "== starting PostgreSQL 15 on 127.0.0.1:$pport" >&2
mkdir -p "$out/pgdata" "$out/pgsock"; chown postgres "$out/pgdata" "$out/pgsock"
su postgres -c "$pgbin/initdb -D $out/pgdata -A trust -U postgres" >/dev/null
su postgres -c "$pgbin/pg_ctl -D $out/pgdata -l $out/pgsock/pg.log -o '-c listen_addresses=127.0.0.1 -p $pport -k $out/pgsock -c max_connections=100' -w start" >/dev/null

if psql -X -q -h 127.0.0.1 -p $wport -U bench -d wasql -c 'SELECT 1' >/dev/null 2>&1; then
    echo "run.sh: something already listens on 127.0.0.1:$wport; stop it first" >&2; exit 1
fi
echo "== starting wasql serve on 127.0.0.1:$wport" >&2
rm -f "$out/bench.db"*
dotnet "$out/wasql/wasql.dll" serve --db "$out/bench.db" --listen "127.0.0.1:$wport" > "$out/wasql.log" 2>&1 &
wpid=$!
for _ in $(seq 1 100); do psql -X -q -h 127.0.0.1 -p $wport -U bench -d wasql -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done

echo "== loading $rows accounts into both" >&2
psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $pport -U postgres -d postgres >/dev/null <<SQL
CREATE TABLE pgbench_accounts(aid integer PRIMARY KEY, bid integer, abalance integer, filler char(84));
INSERT INTO pgbench_accounts SELECT i, (i - 1) / 100000 + 1, i % 1000, 'x' FROM generate_series(1, $rows) i;
VACUUM ANALYZE pgbench_accounts;
SQL
psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $wport -U bench -d wasql >/dev/null <<SQL
CREATE TABLE pgbench_accounts(aid integer PRIMARY KEY, bid integer, abalance integer, filler char(84));
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO pgbench_accounts SELECT i, (i - 1) / 100000 + 1, i % 1000, 'x' FROM n;
SQL
cat > "$out/select.sql" <<SQL
\set aid random(1, $rows)
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
SQL

run() {   # name port user mode
    local log="$out/pgbench-$1-$4.log"
    "$pgbin/pgbench" -n -h 127.0.0.1 -p "$2" -U "$3" -M "$4" -c "$clients" -j "$threads" -T "$seconds" -f "$out/select.sql" "$5" > "$log" 2>&1 \
        || { cat "$log" >&2; exit 1; }
    local tps lat
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log")
    lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$log")
    echo "$1 $4 $tps $lat"
}

modes_table() {
echo "== pgbench: $clients clients, $threads threads, ${seconds}s per run" >&2
results=()
for mode in simple extended prepared; do
    results+=("$(run wasql $wport bench $mode wasql)")
    results+=("$(run postgres $pport postgres $mode postgres)")
done
load=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$clients" "$threads" "$seconds" "$rows" "$load" "${results[@]}" <<'PY'
import sys
clients, threads, seconds, rows, load = sys.argv[1:6]
r = {}
for line in sys.argv[6:]:
    name, mode, tps, lat = line.split()
    r[(name, mode)] = (float(tps), float(lat))
print(f"pgbench {clients} clients, {threads} threads, {seconds} s per run, {rows} accounts, "
      f"`SELECT abalance FROM pgbench_accounts WHERE aid = :aid` (random aid); load average at the end {load}.\n")
print("| mode | Wasql TPS | Wasql latency ms | PostgreSQL 15 TPS | PostgreSQL latency ms | Wasql/PostgreSQL TPS |")
print("|---|---:|---:|---:|---:|---:|")
for mode in ("simple", "extended", "prepared"):
    w, p = r[("wasql", mode)], r[("postgres", mode)]
    print(f"| -M {mode} | {w[0]:,.0f} | {w[1]:.3f} | {p[0]:,.0f} | {p[1]:.3f} | {w[0] / p[0]:.2f} |")
PY
}
[[ $modes == 1 ]] && modes_table

# ---- functions block (issue #19): per-statement overhead of a wasm function in a point read ----
functions_table() {
    local shared="${WASQL_SHARED:-$root/../shared}"
    local fixture="$shared/fixtures/arrow-udf/databend_gcd.wasm"
    [[ -f $fixture ]] || { echo "run.sh: $fixture not found (set WASQL_SHARED)" >&2; exit 1; }
    echo "== functions: creating rgcd (inline Rust, direct ABI) and wasm_gcd (arrow-udf fixture) in wasql" >&2
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $wport -U bench -d wasql >/dev/null <<SQL
CREATE FUNCTION rgcd(bigint, bigint) RETURNS bigint LANGUAGE rust AS \$\$
fn rgcd(mut a: i64, mut b: i64) -> i64 { while b != 0 { let t = a % b; a = b; b = t; } a.abs() }
\$\$;
\set wasm_binary \`base64 -w0 $fixture\`
CREATE FUNCTION wasm_gcd(int, int) RETURNS int LANGUAGE wasm WITH (export = 'wasm_gcd') USING BASE64 :'wasm_binary';
SQL
    local name expr
    for name in plain rgcd wasm_gcd pg_gcd; do
        case $name in
            plain) expr=abalance ;;
            rgcd) expr="rgcd(abalance, 1000003)" ;;
            wasm_gcd) expr="wasm_gcd(abalance, 1000003)" ;;
            pg_gcd) expr="gcd(abalance, 1000003)" ;;
        esac
        printf '\\set aid random(1, %s)\nSELECT %s FROM pgbench_accounts WHERE aid = :aid;\n' "$rows" "$expr" > "$out/fn-$name.sql"
    done
    fnrun() {   # label port user db script
        local log="$out/pgbench-fn-$1.log"
        "$pgbin/pgbench" -n -h 127.0.0.1 -p "$2" -U "$3" -M prepared -c "$clients" -j "$threads" -T "$seconds" -f "$out/fn-$5.sql" "$4" > "$log" 2>&1 \
            || { cat "$log" >&2; exit 1; }
        echo "$1 $(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log") $(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$log")"
    }
    # Warm-up (not recorded): the wasm code tiers up from baseline after its first few thousand calls.
    echo "== functions: warm-up, 3 s per function" >&2
    for name in rgcd wasm_gcd; do
        "$pgbin/pgbench" -n -h 127.0.0.1 -p $wport -U bench -M prepared -c "$clients" -j "$threads" -T 3 -f "$out/fn-$name.sql" wasql >/dev/null 2>&1 || true
    done
    echo "== functions: pgbench -M prepared, $clients clients, $threads threads, ${seconds}s per run" >&2
    local fres=()
    fres+=("$(fnrun wasql-plain $wport bench wasql plain)")
    fres+=("$(fnrun wasql-rgcd $wport bench wasql rgcd)")
    fres+=("$(fnrun wasql-wasm_gcd $wport bench wasql wasm_gcd)")
    fres+=("$(fnrun postgres-plain $pport postgres postgres plain)")
    fres+=("$(fnrun postgres-gcd $pport postgres postgres pg_gcd)")
    local fload
    fload=$(cut -d' ' -f1-3 /proc/loadavg)
    python3 - "$clients" "$threads" "$seconds" "$rows" "$fload" "${fres[@]}" <<'PY'
import sys
clients, threads, seconds, rows, load = sys.argv[1:6]
r = {}
for line in sys.argv[6:]:
    label, tps, lat = line.split()
    r[label] = (float(tps), float(lat))
print(f"\npgbench -M prepared, {clients} clients, {threads} threads, {seconds} s per run, {rows} accounts, "
      f"`SELECT <expr> FROM pgbench_accounts WHERE aid = :aid`; load average at the end {load}.\n")
print("| server | select list | TPS | latency ms | vs the same server's plain point read |")
print("|---|---|---:|---:|---:|")
rows_ = [("Wasql", "abalance", "wasql-plain", "wasql-plain"),
         ("Wasql", "rgcd(abalance, 1000003) (inline Rust, direct ABI)", "wasql-rgcd", "wasql-plain"),
         ("Wasql", "wasm_gcd(abalance, 1000003) (Databend arrow-udf fixture)", "wasql-wasm_gcd", "wasql-plain"),
         ("PostgreSQL 15", "abalance", "postgres-plain", "postgres-plain"),
         ("PostgreSQL 15", "gcd(abalance, 1000003) (built-in)", "postgres-gcd", "postgres-plain")]
for server, expr, key, base in rows_:
    t, l = r[key]
    print(f"| {server} | `{expr}` | {t:,.0f} | {l:.3f} | {t / r[base][0]:.2f}x |")
PY
}
functions_table
