#!/usr/bin/env bash
# The one test command: installs what is missing, builds, runs the unit/differential/end-to-end tests, the plugin
# SDK tests and the WebAssembly spec suite. Closing line: "N passed, M failed" of the spec suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
export WASQL_SHARED="${WASQL_SHARED:-$(cd .. && pwd)/shared}"

echo "== build"
dotnet build Wasql.slnx -c Release -nologo -v q -clp:ErrorsOnly

echo "== unit and differential tests"
dotnet test Wasql.slnx -c Release --no-build -nologo -v q

echo "== plugin SDKs (C, Rust, AssemblyScript) against the mock host"
plugins_out="$(mktemp -d)"
trap 'rm -rf "$plugins_out"' EXIT
examples/plugins/build.sh "$plugins_out" >/dev/null
for sdk in c rust as; do node "sdk/testing/test-$sdk.mjs" "$plugins_out" | tail -n 1; done

echo "== NuGet packages: pack, install the wasql tool from the local feed, build examples/embedding from the packages"
scripts/package-check.sh

spec() { dotnet run --project tests/Wasql.SpecTests -c Release --no-build -- "$WASQL_SHARED/wasm-testsuite" "$@"; }
echo "== WebAssembly spec suite, metered (fuel) and with nearly every block outlined (function splitting)"
spec --fuel 1000000000 --split-budget 40 | tail -n 1

echo "== WebAssembly spec suite, tiered (every function runs baseline code, then optimized code after 2 calls)"
spec --tier-up 2 | tail -n 1

echo "== WebAssembly spec suite, compiled through the module cache (persisted assemblies loaded from their images)"
spec_cache="$(mktemp -d)"
spec --cache "$spec_cache" | tail -n 1
rm -rf "$spec_cache"

echo "== WebAssembly spec suite"
spec
