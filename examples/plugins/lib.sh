# Shared by build-c.sh, build-rust.sh and build-as.sh (sourced, POSIX sh). The caller defines
# build_one SRC OUT_WASM NAME and calls build_each EXT LANGUAGE OUTDIR: every examples/plugins/<name>/plugin.EXT is
# built to OUTDIR/<name>.wasm; exits non-zero if one failed or none was found.
plugins_dir=${plugins_dir:-$(cd "$(dirname "$0")" && pwd)}

build_each() {
    ext=$1
    language=$2
    out=$3
    mkdir -p "$out"
    status=0
    built=0
    for src in "$plugins_dir"/*/plugin."$ext"; do
        [ -f "$src" ] || continue
        name=$(basename "$(dirname "$src")")
        if build_one "$src" "$out/$name.wasm" "$name"; then
            echo "built $out/$name.wasm ($(wc -c < "$out/$name.wasm") bytes)"
            built=$((built + 1))
        else
            echo "FAILED $name ($src)" >&2
            status=1
        fi
    done
    if [ "$built" -eq 0 ] && [ "$status" -eq 0 ]; then
        echo "no $language examples found under $plugins_dir" >&2
        status=1
    fi
    exit $status
}
