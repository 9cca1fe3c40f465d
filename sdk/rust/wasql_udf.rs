// wasql_udf.rs: helpers for Wasql direct-ABI UDFs in Rust (see sdk/DIRECT_ABI.md). No dependencies, Rust 1.63+.
// Use: `include!("wasql_udf.rs");` at the top of a cdylib crate built for wasm32-unknown-unknown or wasm32-wasi, then
//   wasql_udf!(fn gcd(a: i32, b: i32) -> i32 { ... });
//   wasql_udf!(fn upper(s: &str) -> String { s.to_uppercase() });
//   wasql_udf!(fn rev(b: &[u8]) -> Vec<u8> { ... });
//   wasql_udf!(fn maybe(s: &str) -> Option<String> { ... });   // None = NULL
// Argument types: i32, i64, f32, f64, bool, i16, &str (text), &[u8] (bytea).
// Result types: the numbers above, String / Vec<u8> (or Option of them) for text / bytea.
// A panic traps; its message (and where it happened) becomes the SQL error: the macro installs a panic hook that
// keeps it for the host's `wasql_error` call (see "Errors" in sdk/DIRECT_ABI.md).
// The `wasql_gen` module below is what Wasql's generated wrappers for inline `LANGUAGE rust` use: Option arguments
// and results (NULL), Result (an Err fails the query with its message), and table functions over iterators.

/// The allocator exports of the direct ABI (and of arrow-udf): alloc(len, align) -> ptr (0 on failure).
#[no_mangle]
pub unsafe extern "C" fn alloc(len: i32, align: i32) -> i32 {
    if len <= 0 { return align.max(1); }
    match std::alloc::Layout::from_size_align(len as usize, align.max(1) as usize) {
        Ok(layout) => std::alloc::alloc(layout) as i32,
        Err(_) => 0,
    }
}

/// Frees a block from `alloc`, given the same len and align.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: i32, len: i32, align: i32) {
    if len <= 0 || ptr == 0 { return; }
    if let Ok(layout) = std::alloc::Layout::from_size_align(len as usize, align.max(1) as usize) {
        std::alloc::dealloc(ptr as *mut u8, layout);
    }
}

/// How an argument type is received (one or two wasm parameters) and converted.
pub mod wasql_abi {
    /// Bytes of a (ptr, len) argument; empty when len is 0 (ptr is then not dereferenced).
    #[inline]
    pub unsafe fn bytes<'a>(ptr: i32, len: i32) -> &'a [u8] {
        if len <= 0 { &[] } else { core::slice::from_raw_parts(ptr as *const u8, len as usize) }
    }
    /// Text argument: the host sends valid UTF-8.
    #[inline]
    pub unsafe fn text<'a>(ptr: i32, len: i32) -> &'a str {
        core::str::from_utf8_unchecked(bytes(ptr, len))
    }
    /// Packs an owned byte buffer as a result: (ptr << 32) | len, freed by the host with dealloc(ptr, len, 1).
    pub fn pack(v: Vec<u8>) -> i64 {
        if v.is_empty() { return 0; }
        let b = v.into_boxed_slice();
        let len = b.len() as u32;
        let ptr = Box::into_raw(b) as *mut u8 as u32;
        ((ptr as u64) << 32 | len as u64) as i64
    }
    pub const NULL: i64 = -1;

    /// Result conversion: numbers pass through, String/Vec<u8> are packed, Option None is NULL.
    pub trait IntoResult { type Wasm; fn into_wasm(self) -> Self::Wasm; }
    impl IntoResult for i32 { type Wasm = i32; fn into_wasm(self) -> i32 { self } }
    impl IntoResult for i16 { type Wasm = i32; fn into_wasm(self) -> i32 { self as i32 } }
    impl IntoResult for i64 { type Wasm = i64; fn into_wasm(self) -> i64 { self } }
    impl IntoResult for f32 { type Wasm = f32; fn into_wasm(self) -> f32 { self } }
    impl IntoResult for f64 { type Wasm = f64; fn into_wasm(self) -> f64 { self } }
    impl IntoResult for bool { type Wasm = i32; fn into_wasm(self) -> i32 { self as i32 } }
    impl IntoResult for String { type Wasm = i64; fn into_wasm(self) -> i64 { pack(self.into_bytes()) } }
    impl IntoResult for Vec<u8> { type Wasm = i64; fn into_wasm(self) -> i64 { pack(self) } }
    impl IntoResult for Option<String> { type Wasm = i64; fn into_wasm(self) -> i64 { self.map_or(NULL, |s| pack(s.into_bytes())) } }
    impl IntoResult for Option<Vec<u8>> { type Wasm = i64; fn into_wasm(self) -> i64 { self.map_or(NULL, pack) } }
}

/// Defines an exported direct-ABI function. See the file header for the accepted types.
/// (Each &str / &[u8] argument becomes two wasm parameters, ptr and len; macro hygiene keeps their names apart.)
#[macro_export]
macro_rules! wasql_udf {
    (fn $name:ident ( $($args:tt)* ) -> $ret:ty $body:block) => {
        wasql_udf!(@munch $name [$($args)*] [] [] -> $ret $body);
    };
    (@munch $name:ident [$a:ident : &str $(, $($rest:tt)*)?] [$($p:tt)*] [$($c:tt)*] -> $ret:ty $body:block) => {
        wasql_udf!(@munch $name [$($($rest)*)?] [$($p)* ptr: i32, len: i32,]
            [$($c)* let $a: &str = unsafe { $crate::wasql_abi::text(ptr, len) };] -> $ret $body);
    };
    (@munch $name:ident [$a:ident : &[u8] $(, $($rest:tt)*)?] [$($p:tt)*] [$($c:tt)*] -> $ret:ty $body:block) => {
        wasql_udf!(@munch $name [$($($rest)*)?] [$($p)* ptr: i32, len: i32,]
            [$($c)* let $a: &[u8] = unsafe { $crate::wasql_abi::bytes(ptr, len) };] -> $ret $body);
    };
    (@munch $name:ident [$a:ident : bool $(, $($rest:tt)*)?] [$($p:tt)*] [$($c:tt)*] -> $ret:ty $body:block) => {
        wasql_udf!(@munch $name [$($($rest)*)?] [$($p)* raw: i32,] [$($c)* let $a: bool = raw != 0;] -> $ret $body);
    };
    (@munch $name:ident [$a:ident : i16 $(, $($rest:tt)*)?] [$($p:tt)*] [$($c:tt)*] -> $ret:ty $body:block) => {
        wasql_udf!(@munch $name [$($($rest)*)?] [$($p)* raw: i32,] [$($c)* let $a: i16 = raw as i16;] -> $ret $body);
    };
    (@munch $name:ident [$a:ident : $t:ty $(, $($rest:tt)*)?] [$($p:tt)*] [$($c:tt)*] -> $ret:ty $body:block) => {
        wasql_udf!(@munch $name [$($($rest)*)?] [$($p)* $a: $t,] [$($c)*] -> $ret $body);
    };
    (@munch $name:ident [] [$($p:tt)*] [$($c:tt)*] -> $ret:ty $body:block) => {
        #[no_mangle]
        pub extern "C" fn $name($($p)*) -> <$ret as $crate::wasql_abi::IntoResult>::Wasm {
            $crate::wasql_gen::install_panic_hook(0);
            $($c)*
            let result: $ret = (move || $body)();
            $crate::wasql_abi::IntoResult::into_wasm(result)
        }
    };
}

/// Conversions and state for the wrappers Wasql generates around inline `LANGUAGE rust` functions (sdk/DIRECT_ABI.md).
pub mod wasql_gen {
    use std::fmt::Display;

    /// The message of the last failure (a panic or an Err), read by the host through `wasql_error` after the trap.
    static mut ERROR: Vec<u8> = Vec::new();
    /// Set when the numeric result of the call that just returned is NULL; read (and cleared) by `wasql_result_null`.
    static mut RESULT_NULL: bool = false;
    static mut HOOKED: bool = false;
    /// Lines of the user's function body at the top of the generated file (0: not a generated file).
    static mut BODY_LINES: u32 = 0;
    /// Text/bytes arguments copied for a running table function's iterator (it may borrow them after the call).
    static mut HELD: Vec<Box<[u8]>> = Vec::new();

    /// Installs, once per instance, a panic hook that keeps the panic's message for `wasql_error`.
    pub fn install_panic_hook(body_lines: u32) {
        unsafe {
            if HOOKED { return; }
            HOOKED = true;
            BODY_LINES = body_lines;
        }
        std::panic::set_hook(Box::new(|info| {
            let payload = info.payload();
            let msg = if let Some(s) = payload.downcast_ref::<&str>() { s.to_string() }
                else if let Some(s) = payload.downcast_ref::<String>() { s.clone() }
                else { String::from("Box<dyn Any>") };
            let text = match info.location() {
                Some(l) if l.file() == "udf.rs" && unsafe { BODY_LINES } > 0 && l.line() <= unsafe { BODY_LINES } =>
                    format!("panicked at '{}', line {} column {} of the function body", msg, l.line(), l.column()),
                Some(l) => format!("panicked at '{}', {}:{}:{}", msg, l.file(), l.line(), l.column()),
                None => format!("panicked at '{}'", msg),
            };
            set_error(text);
        }));
    }

    /// Keeps `text` as the message of the failure about to happen.
    pub fn set_error(text: String) { unsafe { ERROR = text.into_bytes(); } }

    /// Fails the call with `text` as the SQL error's message (a trap the host reports through `wasql_error`).
    pub fn fail(text: String) -> ! {
        set_error(text);
        std::process::abort()
    }

    /// The host's question after an `unreachable` trap: the message, packed (ptr << 32) | len, or 0.
    #[no_mangle]
    pub extern "C" fn wasql_error() -> i64 {
        unsafe {
            if ERROR.is_empty() { return 0; }
            ((ERROR.as_ptr() as u32 as u64) << 32 | ERROR.len() as u64) as i64
        }
    }

    /// The host's question after a call with a nullable numeric result: 1 when it was NULL.
    #[no_mangle]
    pub extern "C" fn wasql_result_null() -> i32 {
        unsafe { let n = RESULT_NULL; RESULT_NULL = false; n as i32 }
    }

    /// A NULL numeric result: sets the flag and returns the type's zero.
    pub fn null<T: Default>() -> T { unsafe { RESULT_NULL = true; } T::default() }

    /// An argument of the user's function from the SQL value `v` (None = NULL). Returns None when the user's type
    /// cannot take NULL: the function is strict in that argument and the result is NULL without a call.
    pub trait FromSql<R>: Sized { fn from_sql(v: Option<R>) -> Option<Self>; }
    impl<R> FromSql<R> for R { fn from_sql(v: Option<R>) -> Option<R> { v } }
    impl<R> FromSql<R> for Option<R> { fn from_sql(v: Option<R>) -> Option<Option<R>> { Some(v) } }
    impl<'a> FromSql<&'a str> for String { fn from_sql(v: Option<&'a str>) -> Option<String> { v.map(String::from) } }
    impl<'a> FromSql<&'a str> for Option<String> { fn from_sql(v: Option<&'a str>) -> Option<Option<String>> { Some(v.map(String::from)) } }
    impl<'a> FromSql<&'a [u8]> for Vec<u8> { fn from_sql(v: Option<&'a [u8]>) -> Option<Vec<u8>> { v.map(|b| b.to_vec()) } }
    impl<'a> FromSql<&'a [u8]> for Option<Vec<u8>> { fn from_sql(v: Option<&'a [u8]>) -> Option<Option<Vec<u8>>> { Some(v.map(|b| b.to_vec())) } }

    /// Raw text/bytes arguments: None for NULL (flag set), else the bytes (ptr 0 / len 0 is the empty value).
    pub unsafe fn text_arg<'a>(ptr: i32, len: i32, null: i32) -> Option<&'a str> {
        if null != 0 { None } else { Some(crate::wasql_abi::text(ptr, len)) }
    }
    pub unsafe fn bytes_arg<'a>(ptr: i32, len: i32, null: i32) -> Option<&'a [u8]> {
        if null != 0 { None } else { Some(crate::wasql_abi::bytes(ptr, len)) }
    }
    /// Like `text_arg`, but copied so a table function's iterator may keep borrowing it until the next start.
    pub unsafe fn held_text(ptr: i32, len: i32, null: i32) -> Option<&'static str> {
        held_bytes(ptr, len, null).map(|b| core::str::from_utf8_unchecked(b))
    }
    pub unsafe fn held_bytes(ptr: i32, len: i32, null: i32) -> Option<&'static [u8]> {
        if null != 0 { return None; }
        let copy: Box<[u8]> = crate::wasql_abi::bytes(ptr, len).into();
        let r: &'static [u8] = core::slice::from_raw_parts(copy.as_ptr(), copy.len());
        HELD.push(copy);
        Some(r)
    }
    /// Frees what `held_*` kept: call only after the iterator that borrowed it was dropped.
    pub unsafe fn release_held() { HELD.clear(); }

    /// The SQL value of the user's result: None is NULL; an Err fails the call with its message.
    pub trait IntoSql<R> { fn into_sql(self) -> Option<R>; }
    /// A text result's bytes (valid UTF-8) / a bytea result's bytes.
    pub struct Text(pub Vec<u8>);
    pub struct Bytes(pub Vec<u8>);
    macro_rules! identity { ($($t:ty),*) => { $(impl IntoSql<$t> for $t { fn into_sql(self) -> Option<$t> { Some(self) } })* }; }
    identity!(i16, i32, i64, f32, f64, bool);
    impl IntoSql<Text> for String { fn into_sql(self) -> Option<Text> { Some(Text(self.into_bytes())) } }
    impl<'a> IntoSql<Text> for &'a str { fn into_sql(self) -> Option<Text> { Some(Text(self.as_bytes().to_vec())) } }
    impl IntoSql<Text> for Box<str> { fn into_sql(self) -> Option<Text> { Some(Text(self.into_boxed_bytes().into_vec())) } }
    impl IntoSql<Bytes> for Vec<u8> { fn into_sql(self) -> Option<Bytes> { Some(Bytes(self)) } }
    impl<'a> IntoSql<Bytes> for &'a [u8] { fn into_sql(self) -> Option<Bytes> { Some(Bytes(self.to_vec())) } }
    impl IntoSql<Bytes> for Box<[u8]> { fn into_sql(self) -> Option<Bytes> { Some(Bytes(self.into_vec())) } }
    impl<R, T: IntoSql<R>> IntoSql<R> for Option<T> {
        fn into_sql(self) -> Option<R> { match self { Some(v) => v.into_sql(), None => None } }
    }
    impl<R, T: IntoSql<R>, E: Display> IntoSql<R> for Result<T, E> {
        fn into_sql(self) -> Option<R> { match self { Ok(v) => v.into_sql(), Err(e) => fail(e.to_string()) } }
    }
    /// Packs a text/bytea result for the direct ABI (NULL = -1).
    pub fn pack_text(v: Option<Text>) -> i64 { match v { Some(t) => crate::wasql_abi::pack(t.0), None => crate::wasql_abi::NULL } }
    pub fn pack_bytes(v: Option<Bytes>) -> i64 { match v { Some(b) => crate::wasql_abi::pack(b.0), None => crate::wasql_abi::NULL } }

    /// One cell of a table function's row (the encoding of sdk/DIRECT_ABI.md, "Table functions").
    pub trait IntoCell { fn put(self, row: &mut Vec<u8>); }
    pub const CELL_NULL: u8 = 0;
    pub const CELL_INTEGER: u8 = 1;
    pub const CELL_FLOAT: u8 = 2;
    pub const CELL_TEXT: u8 = 3;
    pub const CELL_BYTES: u8 = 4;
    fn put_int(v: i64, row: &mut Vec<u8>) { row.push(CELL_INTEGER); row.extend_from_slice(&v.to_le_bytes()); }
    fn put_float(v: f64, row: &mut Vec<u8>) { row.push(CELL_FLOAT); row.extend_from_slice(&v.to_le_bytes()); }
    fn put_blob(tag: u8, v: &[u8], row: &mut Vec<u8>) { row.push(tag); row.extend_from_slice(&(v.len() as u32).to_le_bytes()); row.extend_from_slice(v); }
    macro_rules! int_cell { ($($t:ty),*) => { $(impl IntoCell for $t { fn put(self, row: &mut Vec<u8>) { put_int(self as i64, row) } })* }; }
    int_cell!(i16, i32, i64, bool);
    impl IntoCell for f32 { fn put(self, row: &mut Vec<u8>) { put_float(self as f64, row) } }
    impl IntoCell for f64 { fn put(self, row: &mut Vec<u8>) { put_float(self, row) } }
    impl IntoCell for String { fn put(self, row: &mut Vec<u8>) { put_blob(CELL_TEXT, self.as_bytes(), row) } }
    impl<'a> IntoCell for &'a str { fn put(self, row: &mut Vec<u8>) { put_blob(CELL_TEXT, self.as_bytes(), row) } }
    impl IntoCell for Box<str> { fn put(self, row: &mut Vec<u8>) { put_blob(CELL_TEXT, self.as_bytes(), row) } }
    impl IntoCell for Vec<u8> { fn put(self, row: &mut Vec<u8>) { put_blob(CELL_BYTES, &self, row) } }
    impl<'a> IntoCell for &'a [u8] { fn put(self, row: &mut Vec<u8>) { put_blob(CELL_BYTES, self, row) } }
    impl IntoCell for Box<[u8]> { fn put(self, row: &mut Vec<u8>) { put_blob(CELL_BYTES, &self, row) } }
    impl<T: IntoCell> IntoCell for Option<T> {
        fn put(self, row: &mut Vec<u8>) { match self { Some(v) => v.put(row), None => row.push(CELL_NULL) } }
    }
    impl<T: IntoCell, E: Display> IntoCell for Result<T, E> {
        fn put(self, row: &mut Vec<u8>) { match self { Ok(v) => v.put(row), Err(e) => fail(e.to_string()) } }
    }

    /// A row of several columns: a tuple of cells, or Option/Result of one (None: every column NULL).
    pub trait IntoRow { fn put_row(self, row: &mut Vec<u8>, columns: usize); }
    macro_rules! tuple_row {
        ($(($($n:ident $i:tt),+)),*) => { $(
            impl<$($n: IntoCell),+> IntoRow for ($($n,)+) {
                fn put_row(self, row: &mut Vec<u8>, _columns: usize) { $(self.$i.put(row);)+ }
            }
        )* };
    }
    tuple_row!((A 0, B 1), (A 0, B 1, C 2), (A 0, B 1, C 2, D 3), (A 0, B 1, C 2, D 3, E 4), (A 0, B 1, C 2, D 3, E 4, F 5),
        (A 0, B 1, C 2, D 3, E 4, F 5, G 6), (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7));
    impl<T: IntoRow> IntoRow for Option<T> {
        fn put_row(self, row: &mut Vec<u8>, columns: usize) {
            match self { Some(v) => v.put_row(row, columns), None => for _ in 0..columns { row.push(CELL_NULL) } }
        }
    }
    impl<T: IntoRow, E: Display> IntoRow for Result<T, E> {
        fn put_row(self, row: &mut Vec<u8>, columns: usize) { match self { Ok(v) => v.put_row(row, columns), Err(e) => fail(e.to_string()) } }
    }

    /// A table function's running iterator, already encoding rows (one per instance: a cursor pins its instance).
    pub type Rows = Option<Box<dyn Iterator<Item = Vec<u8>>>>;
    /// The next encoded row, packed for the host, or -1 at the end.
    pub fn next_row(rows: &mut Rows) -> i64 {
        match rows.as_mut().and_then(|it| it.next()) {
            Some(row) => crate::wasql_abi::pack(row),
            None => { *rows = None; -1 }
        }
    }

    // ---- Arrays and structs: JSON text in SQLite (as for arrow-udf modules), typed values in Rust. ----

    /// A parsed JSON value; numbers keep their text so i64 values stay exact.
    pub enum Json { Null, Bool(bool), Num(String), Str(String), Arr(Vec<Json>), Obj(Vec<(String, Json)>) }

    /// Parses JSON text (RFC 8259; nesting limited to 128 levels).
    pub fn parse_json(text: &str) -> Result<Json, String> {
        let b = text.as_bytes();
        let mut at = 0;
        let v = value(b, &mut at, 0)?;
        skip_ws(b, &mut at);
        if at != b.len() { return Err(format!("unexpected text after the JSON value at byte {}", at)); }
        Ok(v)
    }
    fn skip_ws(b: &[u8], at: &mut usize) { while *at < b.len() && (b[*at] == b' ' || b[*at] == b'\n' || b[*at] == b'\t' || b[*at] == b'\r') { *at += 1; } }
    fn value(b: &[u8], at: &mut usize, depth: u32) -> Result<Json, String> {
        if depth > 128 { return Err(String::from("JSON nested too deeply")); }
        skip_ws(b, at);
        if *at >= b.len() { return Err(String::from("unexpected end of JSON")); }
        match b[*at] {
            b'n' => word(b, at, "null", Json::Null),
            b't' => word(b, at, "true", Json::Bool(true)),
            b'f' => word(b, at, "false", Json::Bool(false)),
            b'"' => Ok(Json::Str(string(b, at)?)),
            b'[' => {
                *at += 1;
                let mut items = Vec::new();
                skip_ws(b, at);
                if *at < b.len() && b[*at] == b']' { *at += 1; return Ok(Json::Arr(items)); }
                loop {
                    items.push(value(b, at, depth + 1)?);
                    skip_ws(b, at);
                    if *at < b.len() && b[*at] == b',' { *at += 1; continue; }
                    if *at < b.len() && b[*at] == b']' { *at += 1; return Ok(Json::Arr(items)); }
                    return Err(format!("expected ',' or ']' at byte {}", at));
                }
            }
            b'{' => {
                *at += 1;
                let mut fields = Vec::new();
                skip_ws(b, at);
                if *at < b.len() && b[*at] == b'}' { *at += 1; return Ok(Json::Obj(fields)); }
                loop {
                    skip_ws(b, at);
                    if *at >= b.len() || b[*at] != b'"' { return Err(format!("expected a field name at byte {}", at)); }
                    let k = string(b, at)?;
                    skip_ws(b, at);
                    if *at >= b.len() || b[*at] != b':' { return Err(format!("expected ':' at byte {}", at)); }
                    *at += 1;
                    fields.push((k, value(b, at, depth + 1)?));
                    skip_ws(b, at);
                    if *at < b.len() && b[*at] == b',' { *at += 1; continue; }
                    if *at < b.len() && b[*at] == b'}' { *at += 1; return Ok(Json::Obj(fields)); }
                    return Err(format!("expected ',' or '}}' at byte {}", at));
                }
            }
            _ => {
                let start = *at;
                while *at < b.len() && (b[*at] == b'-' || b[*at] == b'+' || b[*at] == b'.' || b[*at] == b'e' || b[*at] == b'E' || b[*at].is_ascii_digit()) { *at += 1; }
                if start == *at { return Err(format!("unexpected character at byte {}", start)); }
                Ok(Json::Num(String::from_utf8_lossy(&b[start..*at]).into_owned()))
            }
        }
    }
    fn word(b: &[u8], at: &mut usize, w: &str, v: Json) -> Result<Json, String> {
        if b[*at..].starts_with(w.as_bytes()) { *at += w.len(); Ok(v) } else { Err(format!("unexpected character at byte {}", at)) }
    }
    fn string(b: &[u8], at: &mut usize) -> Result<String, String> {
        *at += 1;
        let mut out: Vec<u8> = Vec::new();
        while *at < b.len() {
            let c = b[*at];
            *at += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|_| String::from("invalid UTF-8 in a JSON string")),
                b'\\' => {
                    if *at >= b.len() { break; }
                    let e = b[*at];
                    *at += 1;
                    let ch = match e {
                        b'"' => '"', b'\\' => '\\', b'/' => '/', b'b' => '\u{8}', b'f' => '\u{c}', b'n' => '\n', b'r' => '\r', b't' => '\t',
                        b'u' => {
                            let hex = |at: &mut usize| -> Result<u32, String> {
                                if *at + 4 > b.len() { return Err(String::from("truncated \\u escape")); }
                                let h = core::str::from_utf8(&b[*at..*at + 4]).ok().and_then(|h| u32::from_str_radix(h, 16).ok()).ok_or("bad \\u escape")?;
                                *at += 4;
                                Ok(h)
                            };
                            let mut u = hex(at)?;
                            if (0xD800..0xDC00).contains(&u) && b[*at..].starts_with(b"\\u") {
                                *at += 2;
                                let lo = hex(at)?;
                                u = 0x10000 + ((u - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
                            }
                            char::from_u32(u).unwrap_or('\u{FFFD}')
                        }
                        _ => return Err(String::from("bad escape in a JSON string")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
        Err(String::from("unterminated JSON string"))
    }

    /// Appends `s` as a JSON string.
    pub fn write_str(s: &str, out: &mut String) {
        out.push('"');
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""), '\\' => out.push_str("\\\\"), '\n' => out.push_str("\\n"), '\r' => out.push_str("\\r"), '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }

    /// A Rust value from JSON (array elements, struct fields).
    pub trait FromJson: Sized { fn from_json(v: &Json) -> Result<Self, String>; }
    macro_rules! num_from_json { ($($t:ty),*) => { $(impl FromJson for $t {
        fn from_json(v: &Json) -> Result<$t, String> {
            match v { Json::Num(n) => n.parse::<$t>().map_err(|e| format!("{} for {}: {}", n, stringify!($t), e)), _ => Err(format!("expected a number for {}", stringify!($t))) }
        } })* }; }
    num_from_json!(i16, i32, i64, f32, f64);
    impl FromJson for bool { fn from_json(v: &Json) -> Result<bool, String> { match v { Json::Bool(b) => Ok(*b), _ => Err(String::from("expected true or false")) } } }
    impl FromJson for String { fn from_json(v: &Json) -> Result<String, String> { match v { Json::Str(s) => Ok(s.clone()), Json::Num(n) => Ok(n.clone()), _ => Err(String::from("expected a string")) } } }
    impl<T: FromJson> FromJson for Option<T> { fn from_json(v: &Json) -> Result<Option<T>, String> { match v { Json::Null => Ok(None), v => T::from_json(v).map(Some) } } }
    impl<T: FromJson> FromJson for Vec<T> {
        fn from_json(v: &Json) -> Result<Vec<T>, String> { match v { Json::Arr(items) => items.iter().map(T::from_json).collect(), _ => Err(String::from("expected an array")) } }
    }
    /// A struct field by name (a missing field reads as JSON null, so Option fields may be left out).
    pub fn field<T: FromJson>(fields: &[(String, Json)], name: &str) -> Result<T, String> {
        let v = fields.iter().find(|(k, _)| k == name).map(|(_, v)| v).unwrap_or(&Json::Null);
        T::from_json(v).map_err(|e| format!("field {}: {}", name, e))
    }

    /// A Rust value as JSON (array elements, struct fields).
    pub trait ToJson { fn to_json(&self, out: &mut String); }
    macro_rules! num_to_json { ($($t:ty),*) => { $(impl ToJson for $t { fn to_json(&self, out: &mut String) { out.push_str(&self.to_string()) } })* }; }
    num_to_json!(i16, i32, i64, bool);
    impl ToJson for f32 { fn to_json(&self, out: &mut String) { if self.is_finite() { out.push_str(&self.to_string()) } else { out.push_str("null") } } }
    impl ToJson for f64 { fn to_json(&self, out: &mut String) { if self.is_finite() { out.push_str(&self.to_string()) } else { out.push_str("null") } } }
    impl ToJson for String { fn to_json(&self, out: &mut String) { write_str(self, out) } }
    impl ToJson for str { fn to_json(&self, out: &mut String) { write_str(self, out) } }
    impl ToJson for Box<str> { fn to_json(&self, out: &mut String) { write_str(self, out) } }
    impl<'a, T: ToJson + ?Sized> ToJson for &'a T { fn to_json(&self, out: &mut String) { (**self).to_json(out) } }
    impl<T: ToJson> ToJson for Option<T> { fn to_json(&self, out: &mut String) { match self { Some(v) => v.to_json(out), None => out.push_str("null") } } }
    impl<T: ToJson> ToJson for [T] {
        fn to_json(&self, out: &mut String) {
            out.push('[');
            for (i, v) in self.iter().enumerate() { if i > 0 { out.push(',') } v.to_json(out) }
            out.push(']');
        }
    }
    impl<T: ToJson> ToJson for Vec<T> { fn to_json(&self, out: &mut String) { self.as_slice().to_json(out) } }
    impl<T: ToJson> ToJson for Box<[T]> { fn to_json(&self, out: &mut String) { (**self).to_json(out) } }
    /// Appends `"name":value` (with a leading comma unless first).
    pub fn put_field<T: ToJson + ?Sized>(out: &mut String, first: bool, name: &str, v: &T) {
        if !first { out.push(',') }
        write_str(name, out);
        out.push(':');
        v.to_json(out);
    }

    /// An array or struct argument: parsed from JSON into an owned value that the argument may borrow (`&[T]`).
    pub trait JsonParam<'a>: Sized { type Owned: FromJson; fn view(o: &'a mut Option<Self::Owned>) -> Self; }
    impl<'a, T: FromJson + 'a> JsonParam<'a> for &'a [T] { type Owned = Vec<T>; fn view(o: &'a mut Option<Vec<T>>) -> &'a [T] { o.as_ref().unwrap() } }
    impl<'a, T: FromJson> JsonParam<'a> for Vec<T> { type Owned = Vec<T>; fn view(o: &'a mut Option<Vec<T>>) -> Vec<T> { o.take().unwrap() } }
    /// Parses an array/struct argument (None: SQL NULL) into `slot`; a NULL or malformed value fails clearly.
    pub fn json_param<'a, P: JsonParam<'a>>(text: Option<&str>, slot: &'a mut Option<P::Owned>, arg: usize) -> Option<P> {
        let text = text?;
        let parsed = parse_json(text).and_then(|j| P::Owned::from_json(&j)).unwrap_or_else(|e| fail(format!("argument {}: {}", arg, e)));
        *slot = Some(parsed);
        Some(P::view(slot))
    }
    /// Option<array/struct> arguments take NULL.
    pub fn json_param_opt<'a, P: JsonParam<'a>>(text: Option<&str>, slot: &'a mut Option<P::Owned>, arg: usize) -> Option<Option<P>> {
        Some(json_param(text, slot, arg))
    }

    /// An array or struct result as JSON text: None (an Option result's None) is NULL.
    pub trait IntoJsonSql { fn into_json_sql(self) -> Option<Text>; }
    fn json_text<T: ToJson + ?Sized>(v: &T) -> Option<Text> { let mut out = String::new(); v.to_json(&mut out); Some(Text(out.into_bytes())) }
    impl<T: ToJson> IntoJsonSql for Vec<T> { fn into_json_sql(self) -> Option<Text> { json_text(&self) } }
    impl<'a, T: ToJson> IntoJsonSql for &'a [T] { fn into_json_sql(self) -> Option<Text> { json_text(self) } }
    impl<T: ToJson> IntoJsonSql for Box<[T]> { fn into_json_sql(self) -> Option<Text> { json_text(&self) } }
    impl<T: IntoJsonSql> IntoJsonSql for Option<T> { fn into_json_sql(self) -> Option<Text> { self.and_then(|v| v.into_json_sql()) } }
    impl<T: IntoJsonSql, E: Display> IntoJsonSql for Result<T, E> {
        fn into_json_sql(self) -> Option<Text> { match self { Ok(v) => v.into_json_sql(), Err(e) => fail(e.to_string()) } }
    }
    /// Implements the JSON traits for a user struct (the generated wrapper calls this once per struct of the body).
    #[macro_export]
    macro_rules! wasql_json_struct {
        (owned $name:ident { $($f:ident),* }) => {
            impl $crate::wasql_gen::FromJson for $name {
                fn from_json(v: &$crate::wasql_gen::Json) -> Result<$name, String> {
                    match v { $crate::wasql_gen::Json::Obj(fields) => Ok($name { $($f: $crate::wasql_gen::field(fields, stringify!($f))?),* }),
                              _ => Err(format!("expected an object for {}", stringify!($name))) }
                }
            }
            impl<'a> $crate::wasql_gen::JsonParam<'a> for $name { type Owned = $name; fn view(o: &'a mut Option<$name>) -> $name { o.take().unwrap() } }
            impl<'a> $crate::wasql_gen::JsonParam<'a> for &'a $name { type Owned = $name; fn view(o: &'a mut Option<$name>) -> &'a $name { o.as_ref().unwrap() } }
            $crate::wasql_json_struct!(out $name [] { $($f),* });
        };
        (out $name:ident [$($lt:lifetime),*] { $($f:ident),* }) => {
            impl<$($lt),*> $crate::wasql_gen::ToJson for $name<$($lt),*> {
                fn to_json(&self, out: &mut String) {
                    out.push('{');
                    let mut _first = true;
                    $( $crate::wasql_gen::put_field(out, _first, stringify!($f), &self.$f); _first = false; )*
                    out.push('}');
                }
            }
            impl<$($lt),*> $crate::wasql_gen::IntoJsonSql for $name<$($lt),*> {
                fn into_json_sql(self) -> Option<$crate::wasql_gen::Text> { let mut out = String::new(); $crate::wasql_gen::ToJson::to_json(&self, &mut out); Some($crate::wasql_gen::Text(out.into_bytes())) }
            }
        };
    }
}
