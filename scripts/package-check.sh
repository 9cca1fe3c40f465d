#!/usr/bin/env bash
# Packs every library and the CLI tool into a local feed, installs the tool from it (`dotnet tool install
# --tool-path`), runs it, and builds and runs examples/embedding against the packed packages: what a user of the
# NuGet packages does. Prints "N passed, M failed" for its checks.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d /tmp/wasql-packages-XXXXXX)"
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
dotnet pack Wasql.slnx -c Release -nologo -v q -clp:ErrorsOnly -o "$feed" >/dev/null
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Directory.Build.props)"
passed=0; failed=0
check() { # name, command...
    local name="$1"; shift
    if out="$("$@" 2>&1)"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; echo "$out" | tail -20; fi
}
expect() { # name, expected substring, command...
    local name="$1" want="$2"; shift 2
    local out
    if out="$("$@" 2>&1)" && grep -qF -- "$want" <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name (expected '$want')"; echo "$out" | tail -20; fi
}
for p in Wasql.Wasm Wasql.Wasi Wasql.Arrow Wasql.Udf Wasql.Database Wasql.Data Wasql.Server Wasql.Plugins Wasql.UdfServer wasql; do
    check "$p.$version.nupkg has a readme, a license and XML docs" python3 - "$feed/$p.$version.nupkg" "$p" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); names = z.namelist()
nuspec = z.read(next(n for n in names if n.endswith(".nuspec"))).decode()
assert "<license type=\"expression\">Apache-2.0</license>" in nuspec, "license"
assert "<readme>README.md</readme>" in nuspec and "README.md" in names, "readme"
assert "<authors>Wasql contributors</authors>" in nuspec, "authors"
if sys.argv[2] != "wasql": assert any(n.endswith(".xml") for n in names), "XML docs"
else: assert "<packageType name=\"DotnetTool\"" in nuspec, "tool package type"
PY
done
export NUGET_PACKAGES="$work/nuget"   # a clean cache: only the feed's packages (and NuGet's) are used
check "dotnet tool install wasql from the local feed" dotnet tool install wasql --tool-path "$work/tools" --add-source "$feed" --version "$version"
printf '\0asm\1\0\0\0' > "$work/empty.wasm"
expect "the installed tool runs: wasql inspect" "exports" "$work/tools/wasql" inspect "$work/empty.wasm"
expect "the installed tool runs: wasql sql" "42" "$work/tools/wasql" sql -c "SELECT 40 + 2"
cp -r examples/embedding "$work/app"
cat > "$work/app/nuget.config" <<XML
<configuration><packageSources><clear /><add key="local" value="$feed" /><add key="nuget" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>
XML
expect "examples/embedding builds from the packages and runs" "database: plus(40, 2) = 42" \
    dotnet run --project "$work/app" -c Release -p:WasqlVersion="$version"
expect "examples/embedding uses the ADO.NET provider package" "ado.net: plus(20, 22) = 42" \
    dotnet run --project "$work/app" -c Release --no-build -p:WasqlVersion="$version"
echo "packages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
