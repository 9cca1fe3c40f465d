// A Rust panic: the message goes to stderr, then the wasm32-wasi panic runtime aborts (unreachable trap).
fn main() {
    println!("before panic");
    let v: Vec<i32> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let divisor = v.len() as i32 - v.len() as i32;
    if divisor == 0 {
        panic!("boom: {} values, answer {}", v.len(), 42);
    }
    println!("unreachable {}", 1 / divisor);
}
