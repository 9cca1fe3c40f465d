// table_guard: a Wasql query plugin (Rust) that denies every statement touching a guarded table (reading, writing,
// altering, dropping, naming it in a view or trigger body, or a pragma about it) unless the session's user is in an
// allow list. Build: examples/plugins/build-rust.sh OUTDIR (a Cargo crate using sdk/rust/wasql-plugin by path).
//
// Config (the plugin's WITH (...) or the filter's EXECUTE (...)):
//   tables  comma-separated table names to guard (required; lower case, as the host reports them)
//   users   comma-separated users who may touch them (default: nobody)
// A missing `tables` fails the hook, so a misconfigured guard fails closed (the filter's default policy).
// The host already narrows calls with the filter's WITH_PATTERN (tables = ...); the plugin checks again so that it
// also holds when the filter matches more widely.
//
//   CREATE PLUGIN table_guard USING FILE 'table_guard.wasm';
//   CREATE FILTER guard_secrets WITH_PATTERN (tables = 'secrets')
//     EXECUTE (plugin = table_guard, tables = 'secrets', users = 'alice,auditor');

use wasql_plugin::*;

/// The comma-separated names of a config value, trimmed and lower-cased, empty entries skipped.
fn names(list: &str) -> Vec<String> {
    list.split(',').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect()
}

/// The guarded tables the statement touches (a table may be reported schema-qualified, e.g. `main.secrets`).
fn touched<'a>(statement_tables: &[String], guarded: &'a [String]) -> Vec<&'a str> {
    guarded.iter()
        .filter(|g| statement_tables.iter().any(|t| t == *g || t.rsplit('.').next() == Some(g.as_str())))
        .map(|g| g.as_str())
        .collect()
}

fn on_query(q: &Query) -> Action {
    let guarded = match q.config("tables") {
        Some(list) if !names(&list).is_empty() => names(&list),
        _ => {
            q.log(Level::Error, "table_guard: config 'tables' is required (comma-separated table names)");
            return Action::Fail;
        }
    };
    let hits = touched(&q.tables(), &guarded);
    if hits.is_empty() {
        return Action::Continue;
    }
    let user = q.user();
    if names(&q.config("users").unwrap_or_default()).iter().any(|u| *u == user.to_lowercase()) {
        return Action::Continue;
    }
    q.deny("42501", &format!("table_guard: user '{}' may not run {} statements on {}", user, q.kind(), hits.join(", ")))
}

wasql_plugin!(on_query = on_query);
