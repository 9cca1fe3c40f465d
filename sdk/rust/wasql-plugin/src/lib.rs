// wasql-plugin: the Rust SDK for Wasql query plugins (see sdk/PLUGIN_ABI.md). No dependencies, Rust 1.63+.
// Use it as a Cargo dependency (by path or git) of a cdylib crate built for wasm32-unknown-unknown:
//   [lib]          crate-type = ["cdylib"]
//   [dependencies] wasql-plugin = { path = "<wasql>/sdk/rust/wasql-plugin" }
//   [profile.release] panic = "abort"  strip = "debuginfo"   (without strip, std's debug info makes it ~5 MB)
// and in the crate:
//   use wasql_plugin::*;
//   fn check(q: &Query) -> Action { if q.user() == "guest" { q.deny("42501", "no") } else { Action::Continue } }
//   wasql_plugin!(on_query = check);                 // or on_result = f, or both: on_query = f, on_result = g
// Build: cargo build --release --target wasm32-unknown-unknown (examples/plugins/build-rust.sh shows the offline
// build with Debian's cargo and rustc 1.63).
// A panic traps (the host then applies the filter's `fail` policy). The SDK's panic hook first logs the panic's
// message and location at level Error, and the host puts that line in the statement's error and the plugin log.
// Host calls that return bytes use the ABI's buffer protocol; the retry on BUFFER_TOO_SMALL is done here.
// Arrow: results arrive as Arrow IPC streams; `Column` decodes int64/float64/utf8/binary columns (also other
// int widths, float32, large_utf8 and large_binary) and encodes int64/float64/utf8/binary one-column streams.

#![allow(dead_code)] // a plugin uses a few of these helpers

use std::fmt;
use std::str::FromStr;

/// Exports the ABI marker `wasql_plugin_abi_v1` and the given hooks, each an ordinary `fn(&Query) -> Action`:
/// `wasql_plugin!(on_query = f)`, `wasql_plugin!(on_result = g)`, `wasql_plugin!(on_query = f, on_result = g)`.
#[macro_export]
macro_rules! wasql_plugin {
    ($($hook:ident = $f:path),+ $(,)?) => {
        /// The Wasql plugin ABI version marker (never called).
        #[no_mangle]
        pub extern "C" fn wasql_plugin_abi_v1() {}
        $( $crate::__wasql_plugin_hook!($hook, $f); )+
    };
}

// The exports get Rust names of their own (export_name), so a plugin may call its function `on_query`.
#[doc(hidden)]
#[macro_export]
macro_rules! __wasql_plugin_hook {
    (on_query, $f:path) => {
        #[export_name = "on_query"]
        pub extern "C" fn __wasql_export_on_query(ctx: i32) -> i32 { $crate::__run_hook(ctx, $f) }
    };
    (on_result, $f:path) => {
        #[export_name = "on_result"]
        pub extern "C" fn __wasql_export_on_result(ctx: i32) -> i32 { $crate::__run_hook(ctx, $f) }
    };
    ($other:ident, $f:path) => {
        compile_error!(concat!("wasql_plugin!: unknown hook `", stringify!($other), "` (on_query or on_result)"));
    };
}

/// Runs a hook function with the call's handle (used by `wasql_plugin!`).
#[doc(hidden)]
pub fn __run_hook(handle: i32, f: fn(&Ctx) -> Action) -> i32 {
    panic_hook::install(handle);
    f(&Ctx { handle }).code()
}

/// Reports a panic's message through `wasql_log` before the abort traps, as proxy-wasm's Rust SDK does: with
/// panic=abort on wasm32-unknown-unknown the message would otherwise be lost and the host would only see
/// `unreachable`.
mod panic_hook {
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::sync::Once;

    /// The handle of the hook call running now (a plugin instance runs one call at a time).
    static CURRENT: AtomicI32 = AtomicI32::new(0);
    static INSTALL: Once = Once::new();

    pub fn install(handle: i32) {
        CURRENT.store(handle, Ordering::Relaxed);
        INSTALL.call_once(|| {
            std::panic::set_hook(Box::new(|info| {
                let text = info.to_string();   // "panicked at 'message', src/plugin.rs:12:9"
                let ctx = crate::Ctx { handle: CURRENT.load(Ordering::Relaxed) };
                ctx.log(crate::Level::Error, &text);
            }));
        });
    }
}

/// The raw host functions (import module `wasql`). Off wasm32 they are stubs returning BAD_HANDLE, so the
/// pure parts of a plugin (parsing, Arrow) can be unit-tested natively.
#[allow(clippy::too_many_arguments)]
pub mod sys {
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "wasql")]
    extern "C" {
        pub fn wasql_get(ctx: i32, key_ptr: i32, key_len: i32, buf_ptr: i32, buf_cap: i32, out_len_ptr: i32) -> i32;
        pub fn wasql_deny(ctx: i32, sqlstate_ptr: i32, sqlstate_len: i32, msg_ptr: i32, msg_len: i32) -> i32;
        pub fn wasql_set_query(ctx: i32, ptr: i32, len: i32) -> i32;
        pub fn wasql_log(ctx: i32, level: i32, ptr: i32, len: i32) -> i32;
        pub fn wasql_result_get_column(ctx: i32, index: i32, buf_ptr: i32, buf_cap: i32, out_len_ptr: i32) -> i32;
        pub fn wasql_result_set_column(ctx: i32, index: i32, ptr: i32, len: i32) -> i32;
        pub fn wasql_kv_get(ctx: i32, scope: i32, key_ptr: i32, key_len: i32, buf_ptr: i32, buf_cap: i32,
                            out_len_ptr: i32) -> i32;
        pub fn wasql_kv_set(ctx: i32, scope: i32, key_ptr: i32, key_len: i32, val_ptr: i32, val_len: i32,
                            ttl_ms: i64) -> i32;
        pub fn wasql_kv_delete(ctx: i32, scope: i32, key_ptr: i32, key_len: i32) -> i32;
        pub fn wasql_kv_cas(ctx: i32, scope: i32, key_ptr: i32, key_len: i32, expected_ptr: i32, expected_len: i32,
                            new_ptr: i32, new_len: i32, ttl_ms: i64) -> i32;
        pub fn wasql_kv_incr(ctx: i32, scope: i32, key_ptr: i32, key_len: i32, delta: i64, ttl_ms: i64,
                             out_value_ptr: i32) -> i32;
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod stubs {
        const BAD_HANDLE: i32 = 4;
        pub unsafe fn wasql_get(_: i32, _: i32, _: i32, _: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_deny(_: i32, _: i32, _: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_set_query(_: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_log(_: i32, _: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_result_get_column(_: i32, _: i32, _: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_result_set_column(_: i32, _: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_kv_get(_: i32, _: i32, _: i32, _: i32, _: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_kv_set(_: i32, _: i32, _: i32, _: i32, _: i32, _: i32, _: i64) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_kv_delete(_: i32, _: i32, _: i32, _: i32) -> i32 { BAD_HANDLE }
        pub unsafe fn wasql_kv_cas(_: i32, _: i32, _: i32, _: i32, _: i32, _: i32, _: i32, _: i32, _: i64) -> i32 {
            BAD_HANDLE
        }
        pub unsafe fn wasql_kv_incr(_: i32, _: i32, _: i32, _: i32, _: i64, _: i64, _: i32) -> i32 { BAD_HANDLE }
    }
    #[cfg(not(target_arch = "wasm32"))]
    pub use stubs::*;
}

/// What a hook tells the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Let the statement (or its result) through.
    Continue,
    /// Stop the statement (`on_query`) or replace its result with the error (`on_result`); the error is what
    /// `deny` set, else `42501 query denied by plugin '<name>'`.
    Deny,
    /// Report a plugin failure without trapping (handled like a trap: the filter's `fail` policy applies).
    Fail,
}

impl Action {
    /// The hook's return code: 0 CONTINUE, 1 DENY, 2 (a failure).
    pub fn code(self) -> i32 {
        match self { Action::Continue => 0, Action::Deny => 1, Action::Fail => 2 }
    }
}

/// A host function's failure status (OK is `Ok(..)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No such property, column or key (or the key expired).
    NotFound,
    /// A bad pointer, invalid UTF-8, a bad level/scope/index, malformed Arrow.
    BadArgument,
    /// The value did not fit (the SDK retries; seen only if the value kept growing).
    BufferTooSmall,
    /// The handle is not the current call's.
    BadHandle,
    /// Compare-and-swap: the current value differs from the expected one.
    CasMismatch,
    /// The call is not allowed in this hook.
    NotAllowed,
    /// A size limit of the shared store was hit.
    Limit,
    /// A status this SDK does not know.
    Other(i32),
}

impl Status {
    /// The status for a host return code; `None` for OK (0).
    pub fn from_code(code: i32) -> Option<Status> {
        match code {
            0 => None,
            1 => Some(Status::NotFound),
            2 => Some(Status::BadArgument),
            3 => Some(Status::BufferTooSmall),
            4 => Some(Status::BadHandle),
            5 => Some(Status::CasMismatch),
            6 => Some(Status::NotAllowed),
            7 => Some(Status::Limit),
            c => Some(Status::Other(c)),
        }
    }
    /// The ABI's numeric code.
    pub fn code(self) -> i32 {
        match self {
            Status::NotFound => 1, Status::BadArgument => 2, Status::BufferTooSmall => 3, Status::BadHandle => 4,
            Status::CasMismatch => 5, Status::NotAllowed => 6, Status::Limit => 7, Status::Other(c) => c,
        }
    }
    fn check(code: i32) -> Result<(), Status> {
        match Status::from_code(code) { None => Ok(()), Some(s) => Err(s) }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::NotFound => f.write_str("NOT_FOUND"),
            Status::BadArgument => f.write_str("BAD_ARGUMENT"),
            Status::BufferTooSmall => f.write_str("BUFFER_TOO_SMALL"),
            Status::BadHandle => f.write_str("BAD_HANDLE"),
            Status::CasMismatch => f.write_str("CAS_MISMATCH"),
            Status::NotAllowed => f.write_str("NOT_ALLOWED"),
            Status::Limit => f.write_str("LIMIT"),
            Status::Other(c) => write!(f, "status {}", c),
        }
    }
}

/// Log levels of `wasql_log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    /// Also sent to the client as a NOTICE with the statement's result.
    Notice = 4,
}

/// The shared store's namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The plugin's own namespace (per plugin name).
    Plugin = 0,
    /// Shared by all plugins.
    Global = 1,
}

#[inline]
fn ptr_of(b: &[u8]) -> i32 { b.as_ptr() as usize as i32 }

#[inline]
fn len_of(b: &[u8]) -> i32 { b.len() as i32 }

/// The buffer protocol: calls `call(buf_ptr, buf_cap, out_len_ptr)`, growing the buffer while the host answers
/// BUFFER_TOO_SMALL (a few times: a shared value may change between calls).
fn read_buffer<F: FnMut(i32, i32, i32) -> i32>(mut call: F) -> Result<Vec<u8>, Status> {
    let mut cap: usize = 256;
    for _ in 0..8 {
        let mut buf = vec![0u8; cap];
        let mut out_len: u32 = 0;
        let code = call(buf.as_mut_ptr() as usize as i32, cap as i32, &mut out_len as *mut u32 as usize as i32);
        match code {
            0 => {
                let n = out_len as usize;
                if n > cap { return Err(Status::BadArgument); } // the host broke the protocol
                buf.truncate(n);
                return Ok(buf);
            }
            3 => cap = (out_len as usize).max(cap + 1),
            c => return Err(Status::from_code(c).unwrap_or(Status::Other(c))),
        }
    }
    Err(Status::BufferTooSmall)
}

fn parse_trimmed<T: FromStr>(s: &str) -> Option<T> { s.trim().parse().ok() }

/// Lines of a newline-separated host value: none for an empty text; a final newline ends the last line.
/// `table.column` as a pair (the column is after the last dot); `None` for an empty line.
fn split_column(line: &str) -> Option<(String, String)> {
    let dot = line.rfind('.')?;
    Some((line[..dot].to_string(), line[dot + 1..].to_string()))
}

fn lines_of(text: &str) -> Vec<String> {
    if text.is_empty() { return Vec::new(); }
    let t = text.strip_suffix('\n').unwrap_or(text);
    t.split('\n').map(|s| s.strip_suffix('\r').unwrap_or(s).to_string()).collect()
}

/// The current hook call (`ctx`): valid only during the call it was given to.
#[derive(Debug)]
pub struct Ctx {
    handle: i32,
}

/// The name used in the examples: the statement being filtered is reached through the call's context.
pub type Query = Ctx;

impl Ctx {
    /// The raw handle (for calling `sys` functions directly).
    pub fn handle(&self) -> i32 { self.handle }

    /// A property (see the `wasql_get` keys in PLUGIN_ABI.md) as bytes.
    pub fn get_bytes(&self, key: &str) -> Result<Vec<u8>, Status> {
        let k = key.as_bytes();
        read_buffer(|buf, cap, out| unsafe { sys::wasql_get(self.handle, ptr_of(k), len_of(k), buf, cap, out) })
    }

    /// A property as text (invalid UTF-8 is replaced).
    pub fn try_get(&self, key: &str) -> Result<String, Status> {
        self.get_bytes(key).map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// A property as text; `None` when it does not exist (or on any other failure).
    pub fn get(&self, key: &str) -> Option<String> { self.try_get(key).ok() }

    /// The statement text (after earlier rewrites).
    pub fn query(&self) -> String { self.get("query").unwrap_or_default() }
    /// The statement kind in upper case (`SELECT`, `INSERT`, `CREATE TABLE`...).
    pub fn kind(&self) -> String { self.get("kind").unwrap_or_default() }
    /// The session's user name.
    pub fn user(&self) -> String { self.get("user").unwrap_or_default() }
    /// `on_query` or `on_result`.
    pub fn hook(&self) -> String { self.get("hook").unwrap_or_default() }
    /// The plugin's name.
    pub fn plugin_name(&self) -> String { self.get("plugin").unwrap_or_default() }
    /// The matching filter's name.
    pub fn filter_name(&self) -> String { self.get("filter").unwrap_or_default() }
    /// The tables the statement reads or writes, lower case.
    pub fn tables(&self) -> Vec<String> {
        lines_of(&self.get("tables").unwrap_or_default()).into_iter().filter(|t| !t.is_empty()).collect()
    }
    /// Where each result column comes from, as `(table, column)` in lower case, seen through aliases, subqueries,
    /// CTEs and views; `None` for a computed column. One entry per result column.
    pub fn column_origins(&self) -> Vec<Option<(String, String)>> {
        lines_of(&self.get("column_origins").unwrap_or_default()).into_iter().map(|l| split_column(&l)).collect()
    }
    /// Every base-table column the statement reads (anywhere), as `(table, column)`, one entry per reference.
    pub fn columns_read(&self) -> Vec<(String, String)> {
        lines_of(&self.get("columns_read").unwrap_or_default()).into_iter().filter_map(|l| split_column(&l)).collect()
    }
    /// How many times this statement was rewritten so far.
    pub fn rewrites(&self) -> u32 { self.get("rewrites").and_then(|s| parse_trimmed(&s)).unwrap_or(0) }
    /// Whether the session is in a transaction.
    pub fn in_transaction(&self) -> bool { self.get("in_transaction").map_or(false, |s| s.trim() == "true") }

    /// One configuration value (plugin `WITH (...)` merged with the filter's `EXECUTE (...)`).
    pub fn config(&self, key: &str) -> Option<String> {
        let mut k = String::with_capacity(7 + key.len());
        k.push_str("config.");
        k.push_str(key);
        self.get(&k)
    }
    /// A configuration value parsed as `T` (surrounding blanks ignored): `Ok(default)` when absent,
    /// `Err(text)` when present but not a valid `T`.
    pub fn config_parse<T: FromStr>(&self, key: &str, default: T) -> Result<T, String> {
        match self.config(key) {
            None => Ok(default),
            Some(v) => parse_trimmed(&v).ok_or(v),
        }
    }
    /// A configuration value parsed as `T`, or `default` when absent or not valid.
    pub fn config_or<T: FromStr>(&self, key: &str, default: T) -> T {
        self.config(key).and_then(|v| parse_trimmed(&v)).unwrap_or(default)
    }
    /// The whole configuration as (key, value) pairs.
    pub fn config_all(&self) -> Vec<(String, String)> {
        lines_of(&self.get("config").unwrap_or_default()).into_iter()
            .filter(|l| !l.is_empty())
            .map(|l| match l.find('=') {
                Some(i) => (l[..i].to_string(), l[i + 1..].to_string()),
                None => (l, String::new()),
            })
            .collect()
    }

    /// Sets the error for a DENY and returns `Action::Deny` (return it from the hook). `sqlstate` is "" (the
    /// default 42501) or five ASCII letters/digits; when the host refuses it, the message is kept with 42501.
    pub fn deny(&self, sqlstate: &str, msg: &str) -> Action {
        let (s, m) = (sqlstate.as_bytes(), msg.as_bytes());
        let code = unsafe { sys::wasql_deny(self.handle, ptr_of(s), len_of(s), ptr_of(m), len_of(m)) };
        if code == 2 && !s.is_empty() {
            unsafe { sys::wasql_deny(self.handle, ptr_of(s), 0, ptr_of(m), len_of(m)) };
        }
        Action::Deny
    }

    /// Replaces the statement text (`on_query` only; `NotAllowed` in `on_result`). After the hook returns
    /// `Continue`, the host re-plans the text and matches the filters again.
    pub fn set_query(&self, text: &str) -> Result<(), Status> {
        let t = text.as_bytes();
        Status::check(unsafe { sys::wasql_set_query(self.handle, ptr_of(t), len_of(t)) })
    }

    /// Writes a line to the server log (best effort: failures are ignored).
    pub fn log(&self, level: Level, msg: &str) {
        let m = msg.as_bytes();
        unsafe { sys::wasql_log(self.handle, level as i32, ptr_of(m), len_of(m)) };
    }

    // ---- shared key/value store ----

    /// The value of `key`; `NotFound` when absent or expired.
    pub fn kv_get<K: AsRef<[u8]>>(&self, scope: Scope, key: K) -> Result<Vec<u8>, Status> {
        let k = key.as_ref();
        read_buffer(|buf, cap, out| unsafe {
            sys::wasql_kv_get(self.handle, scope as i32, ptr_of(k), len_of(k), buf, cap, out)
        })
    }
    /// The value of `key` as text (invalid UTF-8 is replaced).
    pub fn kv_get_string<K: AsRef<[u8]>>(&self, scope: Scope, key: K) -> Result<String, Status> {
        self.kv_get(scope, key).map(|b| String::from_utf8_lossy(&b).into_owned())
    }
    /// Stores `value` under `key`; `ttl_ms` = 0 means no expiry.
    pub fn kv_set<K: AsRef<[u8]>, V: AsRef<[u8]>>(&self, scope: Scope, key: K, value: V, ttl_ms: i64)
        -> Result<(), Status> {
        let (k, v) = (key.as_ref(), value.as_ref());
        Status::check(unsafe {
            sys::wasql_kv_set(self.handle, scope as i32, ptr_of(k), len_of(k), ptr_of(v), len_of(v), ttl_ms)
        })
    }
    /// Deletes `key`; `NotFound` when it was absent.
    pub fn kv_delete<K: AsRef<[u8]>>(&self, scope: Scope, key: K) -> Result<(), Status> {
        let k = key.as_ref();
        Status::check(unsafe { sys::wasql_kv_delete(self.handle, scope as i32, ptr_of(k), len_of(k)) })
    }
    /// Stores `new` only if the current value equals `expected` (`None`: only if absent); else `CasMismatch`.
    pub fn kv_cas<K: AsRef<[u8]>, V: AsRef<[u8]>>(&self, scope: Scope, key: K, expected: Option<&[u8]>, new: V,
                                                 ttl_ms: i64) -> Result<(), Status> {
        let (k, n) = (key.as_ref(), new.as_ref());
        let (ep, el) = match expected { Some(e) => (ptr_of(e), len_of(e)), None => (0, -1) };
        Status::check(unsafe {
            sys::wasql_kv_cas(self.handle, scope as i32, ptr_of(k), len_of(k), ep, el, ptr_of(n), len_of(n), ttl_ms)
        })
    }
    /// Atomically adds `delta` to the decimal integer at `key` (absent = 0) and returns the new value; `ttl_ms`
    /// applies only when the key is created (so it counts within a fixed window).
    pub fn kv_incr<K: AsRef<[u8]>>(&self, scope: Scope, key: K, delta: i64, ttl_ms: i64) -> Result<i64, Status> {
        let k = key.as_ref();
        let mut out: i64 = 0;
        Status::check(unsafe {
            sys::wasql_kv_incr(self.handle, scope as i32, ptr_of(k), len_of(k), delta, ttl_ms,
                               &mut out as *mut i64 as usize as i32)
        })?;
        Ok(out)
    }

    // ---- results (on_result) ----

    /// The number of result rows; `None` without a row set (or in `on_query`).
    pub fn row_count(&self) -> Option<u64> { self.get("result.row_count").and_then(|s| parse_trimmed(&s)) }
    /// The number of result columns.
    pub fn column_count(&self) -> Option<u32> { self.get("result.column_count").and_then(|s| parse_trimmed(&s)) }
    /// Rows changed by an INSERT/UPDATE/DELETE.
    pub fn rows_affected(&self) -> Option<u64> { self.get("result.rows_affected").and_then(|s| parse_trimmed(&s)) }
    /// The command tag, e.g. `SELECT 3`.
    pub fn command_tag(&self) -> Option<String> { self.get("result.command_tag") }
    /// The result's column names.
    pub fn columns(&self) -> Vec<String> {
        let text = match self.get("result.columns") { Some(t) => t, None => return Vec::new() };
        match self.column_count() {
            // the count tells empty names and a trailing newline apart
            Some(n) => {
                let mut v: Vec<String> = text.split('\n').take(n as usize).map(|s| s.to_string()).collect();
                v.resize(n as usize, String::new());
                v
            }
            None => lines_of(&text),
        }
    }
    /// (SQLSTATE, message) when the statement failed.
    pub fn error(&self) -> Option<(String, String)> {
        let state = self.get("error.sqlstate")?;
        Some((state, self.get("error.message").unwrap_or_default()))
    }

    /// Column `index` (0-based; -1 = the whole result) as the host's Arrow IPC stream bytes.
    pub fn result_column_ipc(&self, index: i32) -> Result<Vec<u8>, Status> {
        read_buffer(|buf, cap, out| unsafe { sys::wasql_result_get_column(self.handle, index, buf, cap, out) })
    }
    /// Column `index` (0-based), decoded. A stream this SDK cannot decode gives `BadArgument`.
    pub fn result_column(&self, index: u32) -> Result<Column, Status> {
        let ipc = self.result_column_ipc(index as i32)?;
        let mut cols = decode_ipc(&ipc).map_err(|_| Status::BadArgument)?;
        if cols.len() != 1 { return Err(Status::BadArgument); }
        Ok(cols.remove(0))
    }
    /// Every result column, decoded (one host call: index -1).
    pub fn result_columns(&self) -> Result<Vec<Column>, Status> {
        let ipc = self.result_column_ipc(-1)?;
        decode_ipc(&ipc).map_err(|_| Status::BadArgument)
    }
    /// Replaces column `index` with `col` (which must have `row_count` rows; the name is ignored by the host).
    pub fn set_result_column(&self, index: u32, col: &Column) -> Result<(), Status> {
        self.set_result_column_ipc(index, &col.to_ipc())
    }
    /// Replaces column `index` with the single column of an Arrow IPC stream.
    pub fn set_result_column_ipc(&self, index: u32, ipc: &[u8]) -> Result<(), Status> {
        Status::check(unsafe { sys::wasql_result_set_column(self.handle, index as i32, ptr_of(ipc), len_of(ipc)) })
    }
}

// ======================================================================================================
// Arrow columns and IPC streams
// ======================================================================================================

/// One decoded column. Build one to write with `Column::utf8(..)`, `Column::int64(..)` etc. (the vectors are the
/// builder: push `Some(v)` or `None` for NULL), then `to_ipc()` or `Ctx::set_result_column`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: Values,
}

/// A column's values; `None` is NULL.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Int64(Vec<Option<i64>>),
    Float64(Vec<Option<f64>>),
    Utf8(Vec<Option<String>>),
    Binary(Vec<Option<Vec<u8>>>),
}

impl Column {
    pub fn int64(name: &str, values: Vec<Option<i64>>) -> Column {
        Column { name: name.to_string(), values: Values::Int64(values) }
    }
    pub fn float64(name: &str, values: Vec<Option<f64>>) -> Column {
        Column { name: name.to_string(), values: Values::Float64(values) }
    }
    pub fn utf8(name: &str, values: Vec<Option<String>>) -> Column {
        Column { name: name.to_string(), values: Values::Utf8(values) }
    }
    pub fn binary(name: &str, values: Vec<Option<Vec<u8>>>) -> Column {
        Column { name: name.to_string(), values: Values::Binary(values) }
    }
    /// The number of rows.
    pub fn len(&self) -> usize {
        match &self.values {
            Values::Int64(v) => v.len(), Values::Float64(v) => v.len(),
            Values::Utf8(v) => v.len(), Values::Binary(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool { self.len() == 0 }
    /// Whether row `i` is NULL (rows past the end count as NULL).
    pub fn is_null(&self, i: usize) -> bool {
        match &self.values {
            Values::Int64(v) => v.get(i).map_or(true, |x| x.is_none()),
            Values::Float64(v) => v.get(i).map_or(true, |x| x.is_none()),
            Values::Utf8(v) => v.get(i).map_or(true, |x| x.is_none()),
            Values::Binary(v) => v.get(i).map_or(true, |x| x.is_none()),
        }
    }
    /// Row `i` as an integer (int64 column only).
    pub fn get_i64(&self, i: usize) -> Option<i64> {
        match &self.values { Values::Int64(v) => v.get(i).copied().flatten(), _ => None }
    }
    /// Row `i` as a double (int64 or float64 column).
    pub fn get_f64(&self, i: usize) -> Option<f64> {
        match &self.values {
            Values::Float64(v) => v.get(i).copied().flatten(),
            Values::Int64(v) => v.get(i).copied().flatten().map(|x| x as f64),
            _ => None,
        }
    }
    /// Row `i` as text (utf8 column only).
    pub fn get_str(&self, i: usize) -> Option<&str> {
        match &self.values { Values::Utf8(v) => v.get(i).and_then(|x| x.as_deref()), _ => None }
    }
    /// Row `i` as bytes (binary or utf8 column).
    pub fn get_bytes(&self, i: usize) -> Option<&[u8]> {
        match &self.values {
            Values::Binary(v) => v.get(i).and_then(|x| x.as_deref()),
            Values::Utf8(v) => v.get(i).and_then(|x| x.as_deref()).map(|s| s.as_bytes()),
            _ => None,
        }
    }
    /// This column as a one-column Arrow IPC stream (schema, one record batch, end-of-stream).
    pub fn to_ipc(&self) -> Vec<u8> { encode_ipc(std::slice::from_ref(self)) }
}

/// Why an Arrow IPC stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrowError(pub String);

impl fmt::Display for ArrowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "arrow: {}", self.0) }
}

fn aerr<T>(msg: &str) -> Result<T, ArrowError> { Err(ArrowError(msg.to_string())) }

// ---- flatbuffers reading (bounds-checked) ----

#[derive(Clone, Copy)]
struct FbTable {
    pos: usize,
    vt: usize,
    vt_len: usize,
}

struct FbRead<'a> {
    b: &'a [u8],
}

impl<'a> FbRead<'a> {
    fn bytes(&self, pos: usize, n: usize) -> Result<&'a [u8], ArrowError> {
        match pos.checked_add(n) {
            Some(end) if end <= self.b.len() => Ok(&self.b[pos..end]),
            _ => aerr("flatbuffer offset out of range"),
        }
    }
    fn u8(&self, p: usize) -> Result<u8, ArrowError> { Ok(self.bytes(p, 1)?[0]) }
    fn u16(&self, p: usize) -> Result<u16, ArrowError> {
        let s = self.bytes(p, 2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&self, p: usize) -> Result<u32, ArrowError> {
        let s = self.bytes(p, 4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn i64(&self, p: usize) -> Result<i64, ArrowError> {
        let s = self.bytes(p, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(i64::from_le_bytes(a))
    }
    /// The position an unsigned offset at `p` points to.
    fn deref(&self, p: usize) -> Result<usize, ArrowError> {
        let off = self.u32(p)? as usize;
        match p.checked_add(off) {
            Some(t) if t < self.b.len() => Ok(t),
            _ => aerr("flatbuffer offset out of range"),
        }
    }
    fn table(&self, pos: usize) -> Result<FbTable, ArrowError> {
        let soff = self.u32(pos)? as i32 as i64;
        let vt = pos as i64 - soff;
        if vt < 0 { return aerr("bad vtable offset"); }
        let vt = vt as usize;
        let vt_len = self.u16(vt)? as usize;
        if vt_len < 4 || vt_len % 2 != 0 { return aerr("bad vtable"); }
        self.bytes(vt, vt_len)?;
        let tbl_len = self.u16(vt + 2)? as usize;
        self.bytes(pos, tbl_len.max(4))?;
        Ok(FbTable { pos, vt, vt_len })
    }
    fn root(&self) -> Result<FbTable, ArrowError> { self.table(self.deref(0)?) }
    /// The position of field `slot`, if present.
    fn field(&self, t: FbTable, slot: usize) -> Result<Option<usize>, ArrowError> {
        let o = 4 + 2 * slot;
        if o + 2 > t.vt_len { return Ok(None); }
        let f = self.u16(t.vt + o)? as usize;
        Ok(if f == 0 { None } else { Some(t.pos + f) })
    }
    fn get_u8(&self, t: FbTable, slot: usize, default: u8) -> Result<u8, ArrowError> {
        match self.field(t, slot)? { Some(p) => self.u8(p), None => Ok(default) }
    }
    fn get_i16(&self, t: FbTable, slot: usize, default: i16) -> Result<i16, ArrowError> {
        match self.field(t, slot)? { Some(p) => Ok(self.u16(p)? as i16), None => Ok(default) }
    }
    fn get_i32(&self, t: FbTable, slot: usize, default: i32) -> Result<i32, ArrowError> {
        match self.field(t, slot)? { Some(p) => Ok(self.u32(p)? as i32), None => Ok(default) }
    }
    fn get_i64(&self, t: FbTable, slot: usize, default: i64) -> Result<i64, ArrowError> {
        match self.field(t, slot)? { Some(p) => self.i64(p), None => Ok(default) }
    }
    fn get_table(&self, t: FbTable, slot: usize) -> Result<Option<FbTable>, ArrowError> {
        match self.field(t, slot)? { Some(p) => Ok(Some(self.table(self.deref(p)?)?)), None => Ok(None) }
    }
    fn get_str(&self, t: FbTable, slot: usize) -> Result<Option<String>, ArrowError> {
        match self.field(t, slot)? {
            None => Ok(None),
            Some(p) => {
                let s = self.deref(p)?;
                let n = self.u32(s)? as usize;
                let bytes = self.bytes(s + 4, n)?;
                match std::str::from_utf8(bytes) { Ok(v) => Ok(Some(v.to_string())), Err(_) => aerr("bad UTF-8 name") }
            }
        }
    }
    /// A vector field: (position of the first element, count), elements of `elem` bytes checked in range.
    fn get_vec(&self, t: FbTable, slot: usize, elem: usize) -> Result<Option<(usize, usize)>, ArrowError> {
        match self.field(t, slot)? {
            None => Ok(None),
            Some(p) => {
                let v = self.deref(p)?;
                let n = self.u32(v)? as usize;
                match n.checked_mul(elem) {
                    Some(total) => { self.bytes(v + 4, total)?; }
                    None => return aerr("vector too long"),
                }
                Ok(Some((v + 4, n)))
            }
        }
    }
}

// ---- IPC decoding ----

#[derive(Clone, Copy, Debug, PartialEq)]
enum ColType {
    Int { bytes: usize, signed: bool },
    Float { bytes: usize },
    Utf8 { large: bool },
    Binary { large: bool },
}

const MSG_SCHEMA: u8 = 1;
const MSG_RECORD_BATCH: u8 = 3;
const TYPE_INT: u8 = 2;
const TYPE_FLOAT: u8 = 3;
const TYPE_BINARY: u8 = 4;
const TYPE_UTF8: u8 = 5;
const TYPE_LARGE_BINARY: u8 = 19;
const TYPE_LARGE_UTF8: u8 = 20;

fn parse_field(fb: &FbRead, f: FbTable) -> Result<(String, ColType), ArrowError> {
    let name = fb.get_str(f, 0)?.unwrap_or_default();
    if fb.field(f, 4)?.is_some() { return aerr("dictionary-encoded fields are not supported"); }
    let type_id = fb.get_u8(f, 2, 0)?;
    let t = fb.get_table(f, 3)?;
    let ty = match type_id {
        TYPE_INT => {
            let t = match t { Some(t) => t, None => return aerr("Int without a type table") };
            let width = fb.get_i32(t, 0, 0)?;
            let signed = fb.get_u8(t, 1, 0)? != 0;
            match width {
                8 | 16 | 32 | 64 => ColType::Int { bytes: width as usize / 8, signed },
                _ => return aerr("bad Int bitWidth"),
            }
        }
        TYPE_FLOAT => {
            let t = match t { Some(t) => t, None => return aerr("FloatingPoint without a type table") };
            match fb.get_i16(t, 0, 0)? {
                1 => ColType::Float { bytes: 4 },
                2 => ColType::Float { bytes: 8 },
                _ => return aerr("half floats are not supported"),
            }
        }
        TYPE_BINARY => ColType::Binary { large: false },
        TYPE_UTF8 => ColType::Utf8 { large: false },
        TYPE_LARGE_BINARY => ColType::Binary { large: true },
        TYPE_LARGE_UTF8 => ColType::Utf8 { large: true },
        other => return Err(ArrowError(format!("unsupported Arrow type {}", other))),
    };
    Ok((name, ty))
}

fn empty_values(ty: ColType) -> Values {
    match ty {
        ColType::Int { .. } => Values::Int64(Vec::new()),
        ColType::Float { .. } => Values::Float64(Vec::new()),
        ColType::Utf8 { .. } => Values::Utf8(Vec::new()),
        ColType::Binary { .. } => Values::Binary(Vec::new()),
    }
}

/// Reads one record batch's column from the body (`nodes`/`buffers` cursors advance).
struct BatchReader<'a> {
    fb: FbRead<'a>,
    body: &'a [u8],
    nodes: (usize, usize),
    buffers: (usize, usize),
    next_node: usize,
    next_buffer: usize,
}

impl<'a> BatchReader<'a> {
    fn node(&mut self) -> Result<(usize, usize), ArrowError> {
        if self.next_node >= self.nodes.1 { return aerr("too few field nodes"); }
        let p = self.nodes.0 + 16 * self.next_node;
        self.next_node += 1;
        let (len, nulls) = (self.fb.i64(p)?, self.fb.i64(p + 8)?);
        // at most i32::MAX rows (also keeps row arithmetic far from overflow on wasm32)
        if len < 0 || len > i32::MAX as i64 || nulls < 0 || nulls > len { return aerr("bad field node"); }
        Ok((len as usize, nulls as usize))
    }
    fn buffer(&mut self) -> Result<&'a [u8], ArrowError> {
        if self.next_buffer >= self.buffers.1 { return aerr("too few buffers"); }
        let p = self.buffers.0 + 16 * self.next_buffer;
        self.next_buffer += 1;
        let (off, len) = (self.fb.i64(p)?, self.fb.i64(p + 8)?);
        if off < 0 || len < 0 || (off as u64).saturating_add(len as u64) > self.body.len() as u64 {
            return aerr("buffer outside the message body");
        }
        Ok(&self.body[off as usize..(off + len) as usize])
    }
    fn read(&mut self, ty: ColType, out: &mut Values) -> Result<(), ArrowError> {
        let (n, nulls) = self.node()?;
        let validity = self.buffer()?;
        if nulls > 0 && validity.len() < (n + 7) / 8 { return aerr("validity bitmap too short"); }
        let valid = |i: usize| validity.is_empty() || nulls == 0 || validity[i / 8] >> (i % 8) & 1 == 1;
        match (ty, out) {
            (ColType::Int { bytes, signed }, Values::Int64(v)) => {
                let data = self.buffer()?;
                if (data.len() as u64) < n as u64 * bytes as u64 { return aerr("int data too short"); }
                for i in 0..n {
                    if !valid(i) { v.push(None); continue; }
                    let mut a = [0u8; 8];
                    a[..bytes].copy_from_slice(&data[i * bytes..(i + 1) * bytes]);
                    if signed && a[bytes - 1] & 0x80 != 0 {
                        for b in a[bytes..].iter_mut() { *b = 0xff; }
                    }
                    v.push(Some(i64::from_le_bytes(a)));
                }
            }
            (ColType::Float { bytes }, Values::Float64(v)) => {
                let data = self.buffer()?;
                if (data.len() as u64) < n as u64 * bytes as u64 { return aerr("float data too short"); }
                for i in 0..n {
                    if !valid(i) { v.push(None); continue; }
                    let d = &data[i * bytes..(i + 1) * bytes];
                    v.push(Some(if bytes == 4 {
                        f32::from_le_bytes([d[0], d[1], d[2], d[3]]) as f64
                    } else {
                        f64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
                    }));
                }
            }
            (ColType::Utf8 { large }, Values::Utf8(v)) => {
                let (offsets, data) = (self.buffer()?, self.buffer()?);
                for i in 0..n {
                    let bytes = var_value(offsets, data, large, i, n)?;
                    if !valid(i) { v.push(None); continue; }
                    match std::str::from_utf8(bytes) {
                        Ok(s) => v.push(Some(s.to_string())),
                        Err(_) => return aerr("invalid UTF-8 in a utf8 column"),
                    }
                }
            }
            (ColType::Binary { large }, Values::Binary(v)) => {
                let (offsets, data) = (self.buffer()?, self.buffer()?);
                for i in 0..n {
                    let bytes = var_value(offsets, data, large, i, n)?;
                    v.push(if valid(i) { Some(bytes.to_vec()) } else { None });
                }
            }
            _ => return aerr("type mismatch"),
        }
        Ok(())
    }
}

/// Value `i` of a variable-length column (offsets of 4 or 8 bytes).
fn var_value<'a>(offsets: &[u8], data: &'a [u8], large: bool, i: usize, n: usize) -> Result<&'a [u8], ArrowError> {
    let w = if large { 8 } else { 4 };
    if (offsets.len() as u64) < (n as u64 + 1) * w as u64 { return aerr("offsets too short"); }
    let at = |k: usize| -> i64 {
        let s = &offsets[k * w..(k + 1) * w];
        if large {
            i64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
        } else {
            i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64
        }
    };
    let (a, b) = (at(i), at(i + 1));
    if a < 0 || b < a || b as u64 > data.len() as u64 { return aerr("bad offsets"); }
    Ok(&data[a as usize..b as usize])
}

/// One encapsulated message: its metadata reader, header type and table, body; `None` at end-of-stream.
struct Message<'a> {
    fb: FbRead<'a>,
    header_type: u8,
    header: FbTable,
    body: &'a [u8],
}

fn le_u32(b: &[u8], pos: usize) -> Result<u32, ArrowError> {
    match pos.checked_add(4) {
        Some(end) if end <= b.len() => Ok(u32::from_le_bytes([b[pos], b[pos + 1], b[pos + 2], b[pos + 3]])),
        _ => aerr("truncated message header"),
    }
}

/// Reads the message at `*pos` (with or without the continuation marker) and advances `*pos` past its body.
fn read_message<'a>(stream: &'a [u8], pos: &mut usize) -> Result<Option<Message<'a>>, ArrowError> {
    if *pos == stream.len() { return Ok(None); } // a stream without the end-of-stream marker
    let mut p = *pos;
    let mut meta_len = le_u32(stream, p)?;
    p += 4;
    if meta_len == 0xFFFF_FFFF {
        meta_len = le_u32(stream, p)?;
        p += 4;
    }
    if meta_len == 0 { *pos = p; return Ok(None); } // end of stream
    let meta = match p.checked_add(meta_len as usize) {
        Some(end) if end <= stream.len() => &stream[p..end],
        _ => return aerr("truncated message"),
    };
    p += meta_len as usize;
    let fb = FbRead { b: meta };
    let msg = fb.root()?;
    let header_type = fb.get_u8(msg, 1, 0)?;
    let header = match fb.get_table(msg, 2)? { Some(h) => h, None => return aerr("message without a header") };
    let body_len = fb.get_i64(msg, 3, 0)?;
    if body_len < 0 || body_len as u64 > (stream.len() - p) as u64 { return aerr("truncated message body"); }
    let body = &stream[p..p + body_len as usize];
    *pos = p + body_len as usize;
    Ok(Some(Message { fb, header_type, header, body }))
}

fn parse_schema(fb: &FbRead, schema: FbTable) -> Result<Vec<(String, ColType)>, ArrowError> {
    let mut fields = Vec::new();
    if let Some((start, n)) = fb.get_vec(schema, 1, 4)? {
        for i in 0..n {
            let f = fb.table(fb.deref(start + 4 * i)?)?;
            fields.push(parse_field(fb, f)?);
        }
    }
    Ok(fields)
}

/// Appends a record batch's rows to `values`.
fn read_batch(m: Message, fields: &[(String, ColType)], values: &mut [Values]) -> Result<(), ArrowError> {
    if m.header_type != MSG_RECORD_BATCH { return aerr("unsupported message (dictionary batch or tensor)"); }
    if m.fb.field(m.header, 3)?.is_some() { return aerr("compressed record batches are not supported"); }
    let nodes = m.fb.get_vec(m.header, 1, 16)?.unwrap_or((0, 0));
    let buffers = m.fb.get_vec(m.header, 2, 16)?.unwrap_or((0, 0));
    let mut r = BatchReader { fb: m.fb, body: m.body, nodes, buffers, next_node: 0, next_buffer: 0 };
    for (f, v) in fields.iter().zip(values.iter_mut()) {
        r.read(f.1, v)?;
    }
    Ok(())
}

fn columns_of(fields: Vec<(String, ColType)>, values: Vec<Values>) -> Vec<Column> {
    fields.into_iter().zip(values).map(|((name, _), values)| Column { name, values }).collect()
}

/// The Arrow file format: magic, messages, footer (its schema and record batch blocks), footer length, magic.
fn decode_file(file: &[u8]) -> Result<Vec<Column>, ArrowError> {
    let n = file.len();
    if n < 18 || &file[n - 6..] != b"ARROW1" { return aerr("truncated Arrow file"); }
    let footer_len = le_u32(file, n - 10)? as usize;
    let footer_start = match (n - 10).checked_sub(footer_len) { Some(s) if s >= 8 => s, _ => return aerr("bad footer") };
    let fb = FbRead { b: &file[footer_start..n - 10] };
    let footer = fb.root()?;
    let schema = match fb.get_table(footer, 1)? { Some(s) => s, None => return aerr("file without a schema") };
    let fields = parse_schema(&fb, schema)?;
    let mut values: Vec<Values> = fields.iter().map(|f| empty_values(f.1)).collect();
    // Block { offset: long, metaDataLength: int, (pad), bodyLength: long }
    if let Some((start, count)) = fb.get_vec(footer, 3, 24)? {
        for i in 0..count {
            let offset = fb.i64(start + 24 * i)?;
            if offset < 0 || offset as u64 >= footer_start as u64 { return aerr("bad record batch block"); }
            let mut pos = offset as usize;
            match read_message(&file[..footer_start], &mut pos)? {
                Some(m) => read_batch(m, &fields, &mut values)?,
                None => return aerr("bad record batch block"),
            }
        }
    }
    Ok(columns_of(fields, values))
}

/// Decodes an Arrow IPC stream (or file) of flat int/float/utf8/binary columns; the rows of all record batches
/// are concatenated.
pub fn decode_ipc(stream: &[u8]) -> Result<Vec<Column>, ArrowError> {
    if stream.len() >= 6 && &stream[..6] == b"ARROW1" { return decode_file(stream); }
    let mut pos = 0usize;
    let (fields, mut values) = match read_message(stream, &mut pos)? {
        Some(m) if m.header_type == MSG_SCHEMA => {
            let fields = parse_schema(&m.fb, m.header)?;
            let values: Vec<Values> = fields.iter().map(|f| empty_values(f.1)).collect();
            (fields, values)
        }
        _ => return aerr("the stream does not start with a schema"),
    };
    while let Some(m) = read_message(stream, &mut pos)? {
        read_batch(m, &fields, &mut values)?;
    }
    Ok(columns_of(fields, values))
}

// ---- flatbuffers writing ----
// Built front to back: the root offset, then each table (its vtable right before it) followed by what it points
// to, so every uoffset points forward. Scalars are at natural alignment of the (8-aligned) message start.

enum FbVal {
    U8(u8),
    I16(i16),
    I32(i32),
    I64(i64),
    /// An offset to something written later (patched with `FbWrite::point`).
    Ref,
}

struct FbWrite {
    b: Vec<u8>,
}

impl FbWrite {
    fn new() -> FbWrite { FbWrite { b: vec![0; 4] } }
    fn align(&mut self, a: usize) { while self.b.len() % a != 0 { self.b.push(0); } }
    fn put_u16(&mut self, at: usize, v: u16) { self.b[at..at + 2].copy_from_slice(&v.to_le_bytes()); }
    fn put_u32(&mut self, at: usize, v: u32) { self.b[at..at + 4].copy_from_slice(&v.to_le_bytes()); }
    /// Writes a table of (slot, value) fields; returns its position and the positions of its `Ref` fields.
    fn table(&mut self, fields: &[(usize, FbVal)]) -> (usize, Vec<usize>) {
        let slots = fields.iter().map(|f| f.0 + 1).max().unwrap_or(0);
        self.align(2);
        let vt = self.b.len();
        self.b.resize(vt + 4 + 2 * slots, 0);
        self.put_u16(vt, (4 + 2 * slots) as u16);
        self.align(8);
        let tp = self.b.len();
        self.b.extend_from_slice(&((tp - vt) as i32).to_le_bytes());
        let mut refs = Vec::new();
        for (slot, val) in fields {
            let size = match val { FbVal::U8(_) => 1, FbVal::I16(_) => 2, FbVal::I32(_) | FbVal::Ref => 4, FbVal::I64(_) => 8 };
            self.align(size);
            let at = self.b.len();
            match val {
                FbVal::U8(v) => self.b.push(*v),
                FbVal::I16(v) => self.b.extend_from_slice(&v.to_le_bytes()),
                FbVal::I32(v) => self.b.extend_from_slice(&v.to_le_bytes()),
                FbVal::I64(v) => self.b.extend_from_slice(&v.to_le_bytes()),
                FbVal::Ref => { self.b.extend_from_slice(&[0; 4]); refs.push(at); }
            }
            self.put_u16(vt + 4 + 2 * slot, (at - tp) as u16);
        }
        let size = self.b.len() - tp;
        self.put_u16(vt + 2, size as u16);
        (tp, refs)
    }
    /// Points the offset at `at` to `target` (written after it).
    fn point(&mut self, at: usize, target: usize) { self.put_u32(at, (target - at) as u32); }
    fn string(&mut self, s: &str) -> usize {
        self.align(4);
        let p = self.b.len();
        self.b.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.b.extend_from_slice(s.as_bytes());
        self.b.push(0);
        p
    }
    /// A vector of 16-byte structs of two longs (FieldNode, Buffer), elements 8-aligned.
    fn pairs(&mut self, items: &[(i64, i64)]) -> usize {
        while (self.b.len() + 4) % 8 != 0 { self.b.push(0); }
        let p = self.b.len();
        self.b.extend_from_slice(&(items.len() as u32).to_le_bytes());
        for (a, b) in items {
            self.b.extend_from_slice(&a.to_le_bytes());
            self.b.extend_from_slice(&b.to_le_bytes());
        }
        p
    }
    /// A vector of `n` offsets; returns its position and the positions of the offsets.
    fn refs(&mut self, n: usize) -> (usize, Vec<usize>) {
        self.align(4);
        let p = self.b.len();
        self.b.extend_from_slice(&(n as u32).to_le_bytes());
        let at = (0..n).map(|i| p + 4 + 4 * i).collect();
        self.b.resize(p + 4 + 4 * n, 0);
        (p, at)
    }
    fn finish(mut self, root: usize) -> Vec<u8> {
        self.point(0, root);
        self.b
    }
}

const METADATA_V5: i16 = 4;

/// A Message table with the given header (type, body length); `build` writes the header table and returns it.
fn message<F: FnOnce(&mut FbWrite) -> usize>(header_type: u8, body_len: i64, build: F) -> Vec<u8> {
    let mut w = FbWrite::new();
    let (msg, refs) = w.table(&[(0, FbVal::I16(METADATA_V5)), (1, FbVal::U8(header_type)), (2, FbVal::Ref),
                                (3, FbVal::I64(body_len))]);
    let header = build(&mut w);
    w.point(refs[0], header);
    w.finish(msg)
}

/// Appends an encapsulated message: continuation marker, padded metadata length, metadata, body.
fn push_message(out: &mut Vec<u8>, meta: &[u8], body: &[u8]) {
    let padded = (meta.len() + 7) & !7;
    out.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    out.extend_from_slice(&(padded as u32).to_le_bytes());
    out.extend_from_slice(meta);
    out.resize(out.len() + padded - meta.len(), 0);
    out.extend_from_slice(body);
}

fn pad8(v: &mut Vec<u8>) { while v.len() % 8 != 0 { v.push(0); } }

/// Appends one buffer to the body (8-aligned) and records (offset, length).
fn push_buffer(body: &mut Vec<u8>, buffers: &mut Vec<(i64, i64)>, data: &[u8]) {
    buffers.push((body.len() as i64, data.len() as i64));
    body.extend_from_slice(data);
    pad8(body);
}

fn validity<T>(v: &[Option<T>]) -> (usize, Vec<u8>) {
    let nulls = v.iter().filter(|x| x.is_none()).count();
    if nulls == 0 { return (0, Vec::new()); }
    let mut bits = vec![0u8; (v.len() + 7) / 8];
    for (i, x) in v.iter().enumerate() {
        if x.is_some() { bits[i / 8] |= 1 << (i % 8); }
    }
    (nulls, bits)
}

fn push_var<T: AsRef<[u8]>>(v: &[Option<T>], body: &mut Vec<u8>, buffers: &mut Vec<(i64, i64)>) {
    let mut offsets = Vec::with_capacity(4 * (v.len() + 1));
    let mut data = Vec::new();
    offsets.extend_from_slice(&0i32.to_le_bytes());
    for x in v {
        if let Some(x) = x { data.extend_from_slice(x.as_ref()); }
        offsets.extend_from_slice(&(data.len() as i32).to_le_bytes());
    }
    push_buffer(body, buffers, &offsets);
    push_buffer(body, buffers, &data);
}

/// Encodes columns of equal length as an Arrow IPC stream: a Schema message, one RecordBatch message and the
/// end-of-stream marker (metadata version V5, little-endian, buffers 8-byte aligned, no compression).
pub fn encode_ipc(cols: &[Column]) -> Vec<u8> {
    let rows = cols.first().map_or(0, |c| c.len());
    let mut out = Vec::new();

    // Schema { fields: [Field { name, nullable, type_type, type, children: [] }] }
    let schema = message(MSG_SCHEMA, 0, |w| {
        let (schema, srefs) = w.table(&[(1, FbVal::Ref)]);
        let (fvec, frefs) = w.refs(cols.len());
        w.point(srefs[0], fvec);
        for (c, at) in cols.iter().zip(frefs) {
            let type_id = match &c.values {
                Values::Int64(_) => TYPE_INT, Values::Float64(_) => TYPE_FLOAT,
                Values::Utf8(_) => TYPE_UTF8, Values::Binary(_) => TYPE_BINARY,
            };
            let (field, r) = w.table(&[(0, FbVal::Ref), (1, FbVal::U8(1)), (2, FbVal::U8(type_id)), (3, FbVal::Ref),
                                       (5, FbVal::Ref)]);
            w.point(at, field);
            let name = w.string(&c.name);
            w.point(r[0], name);
            let ty = match &c.values {
                Values::Int64(_) => w.table(&[(0, FbVal::I32(64)), (1, FbVal::U8(1))]).0,
                Values::Float64(_) => w.table(&[(0, FbVal::I16(2))]).0,
                _ => w.table(&[]).0,
            };
            w.point(r[1], ty);
            let (children, _) = w.refs(0);
            w.point(r[2], children);
        }
        schema
    });
    push_message(&mut out, &schema, &[]);

    // RecordBatch { length, nodes, buffers } + body
    let mut body = Vec::new();
    let mut nodes = Vec::new();
    let mut buffers = Vec::new();
    for c in cols {
        let nulls = match &c.values {
            Values::Int64(v) => {
                let (nulls, bits) = validity(v);
                push_buffer(&mut body, &mut buffers, &bits);
                let data: Vec<u8> = v.iter().flat_map(|x| x.unwrap_or(0).to_le_bytes()).collect();
                push_buffer(&mut body, &mut buffers, &data);
                nulls
            }
            Values::Float64(v) => {
                let (nulls, bits) = validity(v);
                push_buffer(&mut body, &mut buffers, &bits);
                let data: Vec<u8> = v.iter().flat_map(|x| x.unwrap_or(0.0).to_le_bytes()).collect();
                push_buffer(&mut body, &mut buffers, &data);
                nulls
            }
            Values::Utf8(v) => {
                let (nulls, bits) = validity(v);
                push_buffer(&mut body, &mut buffers, &bits);
                push_var(v, &mut body, &mut buffers);
                nulls
            }
            Values::Binary(v) => {
                let (nulls, bits) = validity(v);
                push_buffer(&mut body, &mut buffers, &bits);
                push_var(v, &mut body, &mut buffers);
                nulls
            }
        };
        nodes.push((c.len() as i64, nulls as i64));
    }
    let batch = message(MSG_RECORD_BATCH, body.len() as i64, |w| {
        let (rb, r) = w.table(&[(0, FbVal::I64(rows as i64)), (1, FbVal::Ref), (2, FbVal::Ref)]);
        let n = w.pairs(&nodes);
        w.point(r[0], n);
        let b = w.pairs(&buffers);
        w.point(r[1], b);
        rb
    });
    push_message(&mut out, &batch, &body);

    out.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out
}
