#!/usr/bin/env bash
# Soak run of the wasmtime differential fuzz test: many more random modules than test.sh runs, with a random seed
# (printed, so a divergence can be reproduced with WASQL_ORACLE_SEED and WASQL_ORACLE_ONLY).
#   scripts/oracle-soak.sh [cases]    (default 20000, roughly 15 minutes here)
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-20000}"
seed="${WASQL_ORACLE_SEED:-$RANDOM$RANDOM}"
echo "oracle soak: $cases modules, seed $seed"
dotnet build tests/Wasql.Wasm.Tests -c Release -nologo -v q -clp:ErrorsOnly
# SIMD modules come from binaryen.js, which starts slowly: a tenth as many.
WASQL_ORACLE_SEED="$seed" WASQL_ORACLE_CASES="$cases" WASQL_ORACLE_SIMD_CASES="$((cases / 10))" dotnet test tests/Wasql.Wasm.Tests -c Release --no-build \
    --filter "FullyQualifiedName~WasmtimeOracle" --logger "console;verbosity=detailed" | grep -E "seed |divergence|wasql:|wasmtime:|case [0-9]|Passed|Failed"
