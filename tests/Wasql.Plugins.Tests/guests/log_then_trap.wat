;; Logs an error line (as the SDKs' panic hooks do) and then traps: the statement's error carries the logged text.
(module
  (import "wasql" "wasql_log" (func $log (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "panicked at 'boom', src/lib.rs:7:5")
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32)
    (drop (call $log (local.get $ctx) (i32.const 3) (i32.const 0) (i32.const 34)))
    (unreachable)))
