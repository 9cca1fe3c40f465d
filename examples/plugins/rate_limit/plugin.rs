// rate_limit: a Wasql query plugin (Rust) that allows each user at most `limit` statements per window of
// `window_ms` milliseconds, counted in the shared store across all connections; past it, statements fail with
// SQLSTATE 53400. Build: examples/plugins/build-rust.sh OUTDIR (a Cargo crate using sdk/rust/wasql-plugin by path).
//
// Config (the plugin's WITH (...) or the filter's EXECUTE (...)): `limit` (default 10, >= 0) and `window_ms`
// (default 1000, > 0). A bad value fails the hook (the filter's `fail` policy decides), as does a store error
// such as LIMIT. Denied statements count too, so a client that keeps retrying stays blocked until the window ends.
//
// The window is fixed and starts at a user's first statement: `wasql_kv_incr` applies its ttl only when it
// creates the key, so the counter `rl:<user>` (plugin scope) disappears `window_ms` after it was created and the
// next statement starts a new window. (A wall-clock window would need a clock; wasm32-unknown-unknown has none.)

use wasql_plugin::*;

fn on_query(q: &Query) -> Action {
    let limit: i64 = match q.config_parse("limit", 10i64) {
        Ok(n) if n >= 0 => n,
        Ok(_) | Err(_) => return fail(q, "config 'limit' must be an integer >= 0"),
    };
    let window_ms: i64 = match q.config_parse("window_ms", 1000i64) {
        Ok(n) if n > 0 => n,
        Ok(_) | Err(_) => return fail(q, "config 'window_ms' must be an integer > 0"),
    };
    let user = q.user();
    let count = match q.kv_incr(Scope::Plugin, format!("rl:{}", user), 1, window_ms) {
        Ok(n) => n,
        Err(status) => return fail(q, &format!("shared store: {}", status)),
    };
    if count <= limit {
        return Action::Continue;
    }
    let plugin = q.get("plugin").unwrap_or_else(|| "rate_limit".to_string());
    q.deny("53400", &format!("rate limit exceeded for user '{}': {} statements per {} ms (plugin {})",
                             user, limit, window_ms, plugin))
}

fn fail(q: &Query, why: &str) -> Action {
    q.log(Level::Error, &format!("rate_limit: {}", why));
    Action::Fail
}

wasql_plugin!(on_query = on_query);
