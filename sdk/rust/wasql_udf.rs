// wasql_udf.rs: helpers for Wasql direct-ABI UDFs in Rust (see sdk/DIRECT_ABI.md). No dependencies, Rust 1.63+.
// Use: `include!("wasql_udf.rs");` at the top of a cdylib crate built for wasm32-unknown-unknown or wasm32-wasi, then
//   wasql_udf!(fn gcd(a: i32, b: i32) -> i32 { ... });
//   wasql_udf!(fn upper(s: &str) -> String { s.to_uppercase() });
//   wasql_udf!(fn rev(b: &[u8]) -> Vec<u8> { ... });
//   wasql_udf!(fn maybe(s: &str) -> Option<String> { ... });   // None = NULL
// Argument types: i32, i64, f32, f64, bool, i16, &str (text), &[u8] (bytea).
// Result types: the numbers above, String / Vec<u8> (or Option of them) for text / bytea.
// A panic traps; the panic message is not printed on wasm32-unknown-unknown (use wasm32-wasi for stderr).

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
            $($c)*
            let result: $ret = (move || $body)();
            $crate::wasql_abi::IntoResult::into_wasm(result)
        }
    };
}
