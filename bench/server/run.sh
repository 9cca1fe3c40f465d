#!/usr/bin/env bash
# Server benchmark: pgbench point reads (select-only custom script) against `wasql serve` and against a
# real PostgreSQL 15 started here on loopback as the postgres user, same data (ROWS accounts), same client
# count, in -M simple and -M extended. Prints a markdown table of TPS and average latency.
# Then (write_benchmarks, issue #21) many writers: an autocommit UPDATE and a TPC-B-like transaction at 8 and 32
# clients, and COPY FROM STDIN of 1M rows through psql's \copy, both servers.
#   bench/server/run.sh [--quick] [--clients N] [--seconds S] [--reads-only | --functions-only | --writes-only]
# The functions block (issue #19) then runs the same point read with a wasm function in the select list, -M prepared:
# an inline Rust direct-ABI rgcd, the Databend arrow-udf fixture's wasm_gcd, and PostgreSQL's built-in gcd as anchor.
# Installs postgresql-15 / postgresql-contrib (pgbench) with apt-get when missing. Loopback only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${WASQL_BENCH_OUT:-$(mktemp -d /tmp/wasql-server-bench-XXXXXX)}"
chmod 755 "$out"
clients=8; threads=2; seconds=15; rows=100000; modes=1; functions=1; writes=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) seconds=5; rows=20000 ;;
        --clients) clients="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --reads-only) functions=0; writes=0 ;;
        --functions-only) modes=0; writes=0 ;;
        --writes-only) modes=0; functions=0 ;;
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
[[ $functions == 1 ]] && functions_table

# ---------------- writes: many writers and COPY (issue #21) ----------------
write_benchmarks() {
    local copyrows=1000000
    for port_user in "$pport postgres postgres" "$wport bench wasql"; do
        set -- $port_user
        psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U "$2" -d "$3" >/dev/null <<SQL
CREATE TABLE acc(aid INTEGER PRIMARY KEY, bal INTEGER NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows) INSERT INTO acc SELECT i, 0 FROM n;
CREATE TABLE load(id INTEGER PRIMARY KEY, name TEXT, amount BIGINT, note TEXT);
SQL
    done
    cat > "$out/update.sql" <<SQL
\set aid random(1, $rows)
\set delta random(-5000, 5000)
UPDATE acc SET bal = bal + :delta WHERE aid = :aid;
SQL
    cat > "$out/tpcb.sql" <<SQL
\set aid random(1, $rows)
\set delta random(-5000, 5000)
BEGIN;
UPDATE acc SET bal = bal + :delta WHERE aid = :aid;
SELECT bal FROM acc WHERE aid = :aid;
COMMIT;
SQL
    python3 - "$copyrows" > "$out/load.txt" <<'PY'
import sys
for i in range(1, int(sys.argv[1]) + 1):
    note = "\\N" if i % 10 == 0 else f"note {i}, with \\t tab and \"quotes\""
    sys.stdout.write(f"{i}\tname-{i}\t{i * 37}\t{note}\n")
PY
    local wresults=()
    for script in update tpcb; do
        for c in 8 32; do
            for target in "wasql $wport bench wasql" "postgres $pport postgres postgres"; do
                set -- $target
                local log="$out/pgbench-$1-$script-$c.log"
                "$pgbin/pgbench" -n -h 127.0.0.1 -p "$2" -U "$3" -M simple -c "$c" -j "$threads" -T "$seconds" -f "$out/$script.sql" "$4" > "$log" 2>&1 || true
                local tps failed aborted
                tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log"); tps=${tps:-0}
                failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log"); failed=${failed:-0}
                aborted=$(grep -c 'aborted in command' "$log" || true)
                wresults+=("$1 $script $c $tps $failed $aborted")
            done
        done
    done
    for target in "wasql $wport bench wasql" "postgres $pport postgres postgres"; do
        set -- $target
        local t0 t1
        t0=$(date +%s.%N)
        psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$2" -U "$3" -d "$4" -c "\\copy load from '$out/load.txt'" >/dev/null
        t1=$(date +%s.%N)
        wresults+=("$1 copy 1 $(python3 -c "print($copyrows / ($t1 - $t0))") 0 0")
    done
    local wload
    wload=$(cut -d' ' -f1-3 /proc/loadavg)
    python3 - "$seconds" "$rows" "$copyrows" "$wload" "${wresults[@]}" <<'PY'
import sys
seconds, rows, copyrows, load = sys.argv[1:5]
r = {}
for line in sys.argv[5:]:
    name, script, c, tps, failed, aborted = line.split()
    r[(name, script, c)] = (float(tps), int(failed), int(aborted))
print(f"\npgbench -M simple, {seconds} s per run, table acc of {rows} rows; load average at the end {load}.\n")
print("| script | clients | Wasql TPS | Wasql failed / aborted clients | PostgreSQL 15 TPS | PostgreSQL failed | Wasql/PostgreSQL |")
print("|---|---:|---:|---:|---:|---:|---:|")
names = {"update": "`UPDATE acc SET bal = bal + :delta WHERE aid = :aid` (autocommit)",
         "tpcb": "`BEGIN; UPDATE ...; SELECT bal ...; COMMIT;`"}
for script in ("update", "tpcb"):
    for c in ("8", "32"):
        w, p = r[("wasql", script, c)], r[("postgres", script, c)]
        print(f"| {names[script]} | {c} | {w[0]:,.0f} | {w[1]} / {w[2]} | {p[0]:,.0f} | {p[1]} | {w[0] / p[0]:.2f} |")
w, p = r[("wasql", "copy", "1")], r[("postgres", "copy", "1")]
print(f"\nCOPY FROM STDIN (psql \\copy, text format, {copyrows} rows of 4 columns): Wasql {w[0]:,.0f} rows/s, "
      f"PostgreSQL 15 {p[0]:,.0f} rows/s, ratio {w[0] / p[0]:.2f}.")
PY
}

[[ $writes == 1 ]] && write_benchmarks
exit 0
