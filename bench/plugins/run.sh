#!/usr/bin/env bash
# Added latency per query of query plugins over the wire (see bench/Wasql.Plugins.Bench/Program.cs).
# Usage: bench/plugins/run.sh [queries-per-round] [rounds]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bash "$root/examples/plugins/build.sh" "$out" >/dev/null
dotnet run -c Release --project "$root/bench/Wasql.Plugins.Bench" -- "$out" "$@"
