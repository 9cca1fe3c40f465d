/* allow_all: the smallest query plugin: on_query lets every statement run. Used to measure the host's cost of
 * calling a plugin (benchmarks). Build: examples/plugins/build-c.sh OUTDIR */
#include "wasql_plugin.h"

WASQL_PLUGIN();

WASQL_HOOK(on_query) int32_t on_query(wasql_ctx ctx) {
    (void)ctx;
    return WASQL_CONTINUE;
}
