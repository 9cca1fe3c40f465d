;; Denies every statement it sees with SQLSTATE 42501 and a message of its own.
(module
  (import "wasql" "wasql_deny" (func $deny (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "42501no writes here")
  (func (export "wasql_plugin_abi_v1"))
  (func (export "on_query") (param $ctx i32) (result i32)
    (drop (call $deny (local.get $ctx) (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 14)))
    (i32.const 1)))
