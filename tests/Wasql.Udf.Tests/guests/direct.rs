// Direct-ABI test guest in Rust 1.63 (the tests prepend include!("sdk/rust/wasql_udf.rs")).
wasql_udf!(fn gcd(a: i32, b: i32) -> i32 { let (mut a, mut b) = (a, b); while b != 0 { let t = a % b; a = b; b = t; } a });
wasql_udf!(fn upper(s: &str) -> String { s.to_uppercase() });
wasql_udf!(fn concat(a: &str, n: i32, b: &[u8]) -> Option<String> { if n < 0 { None } else { Some(format!("{}{}-{}", a, n, b.len())) } });
wasql_udf!(fn rev(b: &[u8]) -> Vec<u8> { b.iter().rev().cloned().collect() });
wasql_udf!(fn isodd(x: i64, f: bool) -> bool { (x % 2 == 1) ^ f });
wasql_udf!(fn boom(x: i32) -> i32 { if x == 0 { panic!("boom") } else { 100 / x } });
