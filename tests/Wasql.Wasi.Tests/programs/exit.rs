// std::process::exit with a code (proc_exit), after buffered output.
fn main() {
    println!("exiting with 17");
    std::process::exit(17);
}
