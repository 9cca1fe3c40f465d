// rust_probe: a test plugin for sdk/testing/test-rust.mjs that exercises the Rust SDK (sdk/rust/wasql-plugin)
// and reports what it saw as `name=value` log lines (level info), which the test compares.
// Build: a Cargo crate depending on the SDK by path (test-rust.mjs runs cargo build --release for it).
//
// on_query, config `do`:
//   props   the statement's properties and config, read through the SDK's helpers
//   kv      a sequence of store calls and their statuses (plugin and global scope, a value bigger than the first
//           buffer the SDK tries)
//   deny / deny_bad_state / rewrite / panic / fail / continue   the hook's outcome
// on_result, config `mode`:
//   props   the result's properties
//   same    decodes every column (one call each) and writes it back unchanged
//   all     decodes every column at once (index -1), writes each back transformed
//   transform  decodes each column and writes it back transformed: int64 x*2+1, float64 x/2, utf8 upper case,
//           binary reversed (NULLs stay)
//   ipc     `transform`, and also stores each written IPC stream in the store (plugin scope, key `ipc:<index>`)
//   set_query  tries wasql_set_query (not allowed in on_result)

use wasql_plugin::*;

fn report(q: &Query, name: &str, value: &str) { q.log(Level::Info, &format!("{}={}", name, value)); }

fn status<T: std::fmt::Debug>(r: Result<T, Status>) -> String {
    match r { Ok(v) => format!("ok {:?}", v), Err(s) => s.to_string() }
}

fn on_query(q: &Query) -> Action {
    match q.config("do").unwrap_or_default().as_str() {
        "props" => {
            report(q, "query", &q.query());
            report(q, "kind", &q.kind());
            report(q, "user", &q.user());
            report(q, "hook", &q.hook());
            report(q, "plugin", &q.plugin_name());
            report(q, "filter", &q.filter_name());
            report(q, "tables", &q.tables().join(","));
            report(q, "rewrites", &q.rewrites().to_string());
            report(q, "in_transaction", &q.in_transaction().to_string());
            report(q, "config.a", &format!("{:?}", q.config("a")));
            report(q, "config.missing", &format!("{:?}", q.config("missing")));
            report(q, "config_or.n", &q.config_or("n", 0i64).to_string());
            report(q, "config_parse.a", &format!("{:?}", q.config_parse::<i64>("a", 0)));
            let all: Vec<String> = q.config_all().into_iter().map(|(k, v)| format!("{}:{}", k, v)).collect();
            report(q, "config_all", &all.join(","));
            report(q, "unknown", &format!("{:?}", q.try_get("no_such_key")));
            Action::Continue
        }
        "kv" => {
            report(q, "get_absent", &status(q.kv_get(Scope::Plugin, "k")));
            report(q, "set", &status(q.kv_set(Scope::Plugin, "k", "v1", 0)));
            report(q, "get", &status(q.kv_get_string(Scope::Plugin, "k")));
            report(q, "cas_absent", &status(q.kv_cas(Scope::Plugin, "k", None, "x", 0)));
            report(q, "cas_wrong", &status(q.kv_cas(Scope::Plugin, "k", Some(b"nope"), "x", 0)));
            report(q, "cas", &status(q.kv_cas(Scope::Plugin, "k", Some(b"v1"), "v2", 0)));
            report(q, "cas_new", &status(q.kv_cas(Scope::Plugin, "fresh", None, "f", 0)));
            report(q, "get2", &status(q.kv_get_string(Scope::Plugin, "k")));
            report(q, "incr", &status(q.kv_incr(Scope::Plugin, "n", 5, 0)));
            report(q, "incr2", &status(q.kv_incr(Scope::Plugin, "n", -7, 0)));
            report(q, "incr_text", &status(q.kv_incr(Scope::Plugin, "k", 1, 0)));
            report(q, "delete", &status(q.kv_delete(Scope::Plugin, "k")));
            report(q, "delete_again", &status(q.kv_delete(Scope::Plugin, "k")));
            report(q, "global_set", &status(q.kv_set(Scope::Global, "g", "global value", 0)));
            let big: Vec<u8> = (0..10000u32).map(|i| (i % 251) as u8).collect();
            report(q, "big_set", &status(q.kv_set(Scope::Plugin, "big", &big, 0)));
            report(q, "big_get", &status(q.kv_get(Scope::Plugin, "big").map(|v| v == big)));
            report(q, "too_big", &status(q.kv_set(Scope::Plugin, "huge", vec![0u8; 70000], 0)));
            Action::Continue
        }
        "deny" => q.deny("22023", "denied by the probe"),
        "deny_bad_state" => q.deny("bad", "a message kept with the default state"),
        "rewrite" => match q.set_query("SELECT 'rewritten'") {
            Ok(()) => Action::Continue,
            Err(s) => { report(q, "set_query", &s.to_string()); Action::Fail }
        },
        "panic" => panic!("the probe panics"),
        "fail" => Action::Fail,
        _ => Action::Continue,
    }
}

fn transform(c: Column) -> Column {
    let name = c.name;
    match c.values {
        Values::Int64(v) => Column::int64(&name, v.into_iter().map(|x| x.map(|x| x.wrapping_mul(2).wrapping_add(1))).collect()),
        Values::Float64(v) => Column::float64(&name, v.into_iter().map(|x| x.map(|x| x / 2.0)).collect()),
        Values::Utf8(v) => Column::utf8(&name, v.into_iter().map(|x| x.map(|s| s.to_uppercase())).collect()),
        Values::Binary(v) => Column::binary(&name, v.into_iter().map(|x| x.map(|mut b| { b.reverse(); b })).collect()),
    }
}

fn describe(c: &Column) -> String {
    let ty = match &c.values { Values::Int64(_) => "int64", Values::Float64(_) => "float64", Values::Utf8(_) => "utf8",
                               Values::Binary(_) => "binary" };
    let nulls = (0..c.len()).filter(|&i| c.is_null(i)).count();
    format!("{}:{}:{}:{}", c.name, ty, c.len(), nulls)
}

fn on_result(q: &Query) -> Action {
    let mode = q.config("mode").unwrap_or_default();
    if mode == "set_query" {
        report(q, "set_query", &status(q.set_query("SELECT 1")));
        return Action::Continue;
    }
    if mode == "props" {
        report(q, "row_count", &format!("{:?}", q.row_count()));
        report(q, "column_count", &format!("{:?}", q.column_count()));
        report(q, "columns", &q.columns().join("|"));
        report(q, "rows_affected", &format!("{:?}", q.rows_affected()));
        report(q, "command_tag", &format!("{:?}", q.command_tag()));
        report(q, "error", &format!("{:?}", q.error()));
        report(q, "column0", &status(q.result_column(0).map(|c| describe(&c))));
        return Action::Continue;
    }
    let count = q.column_count().unwrap_or(0);
    let cols: Vec<Column> = if mode == "all" {
        match q.result_columns() {
            Ok(c) => c,
            Err(s) => { report(q, "result_columns", &s.to_string()); return Action::Fail; }
        }
    } else {
        let mut v = Vec::new();
        for i in 0..count {
            match q.result_column(i) {
                Ok(c) => v.push(c),
                Err(s) => { report(q, "result_column", &s.to_string()); return Action::Fail; }
            }
        }
        v
    };
    for (i, c) in cols.into_iter().enumerate() {
        report(q, &format!("decoded{}", i), &describe(&c));
        let out = if mode == "same" { c } else { transform(c) };
        let ipc = out.to_ipc();
        if mode == "ipc" {
            if let Err(s) = q.kv_set(Scope::Plugin, format!("ipc:{}", i), &ipc, 0) {
                report(q, "kv_set", &s.to_string());
                return Action::Fail;
            }
        }
        if let Err(s) = q.set_result_column_ipc(i as u32, &ipc) {
            report(q, &format!("set{}", i), &s.to_string());
            return Action::Fail;
        }
    }
    Action::Continue
}

wasql_plugin!(on_query = on_query, on_result = on_result);
