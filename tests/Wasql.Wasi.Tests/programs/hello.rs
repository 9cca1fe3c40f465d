// Rust std on WASI: println!, args, env, collections, formatting, files in a preopen (argv[1] if given).
use std::collections::BTreeMap;
use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("hello from rust, args = {:?}", args);
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    println!("env = {:?}", vars);
    let mut counts = BTreeMap::new();
    for word in "the quick brown fox jumps over the lazy dog the end".split_whitespace() {
        *counts.entry(word).or_insert(0) += 1;
    }
    println!("counts = {:?}", counts);
    let v: Vec<u64> = (1..=20).map(|i| i * i).collect();
    println!("sum of squares = {}, pi ~ {:.5}", v.iter().sum::<u64>(), std::f64::consts::PI);
    if let Some(dir) = args.get(1) {
        let path = format!("{}/rust.txt", dir);
        let mut f = std::fs::File::create(&path).expect("create");
        writeln!(f, "written by rust").unwrap();
        drop(f);
        let mut s = String::new();
        std::fs::File::open(&path).unwrap().read_to_string(&mut s).unwrap();
        print!("read back: {}", s);
        let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        println!("dir = {:?}", names);
        std::fs::remove_file(&path).unwrap();
        println!("missing: {}", std::fs::metadata(&path).is_err());
    }
    eprintln!("rust stderr line");
    std::io::stdout().flush().unwrap();
}
