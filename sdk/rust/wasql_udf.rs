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
}
